"""The WeCom (企业微信) channel for grid workers and supervisors: ``/wecom`` callbacks, ticket cards."""
