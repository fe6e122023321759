"""The WeChat Official Account (公众号) channel for residents: ``endpoint`` (``/wechat``: verification,
signatures, decryption, the durable append), ``conversation`` (a message or event → the intake and
tickets → the answers), ``typed`` (typed commands and choices), ``replies`` (intake replies as messages),
``messages`` (customer-service text and choice menus), ``memory`` (a waiting photo, the last place),
``photos`` (media/get → the photo store), ``channel`` (notifications, with the template fallback),
``ticket_page`` (the signed page a template links to), ``menu`` (the account's menu) and ``setup``
(``start_wechat``)."""
