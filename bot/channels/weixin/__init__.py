"""What the WeChat Official Account and WeCom channels share: the callback crypto, the XML, the access
token, the API client and the durable log of received messages."""
