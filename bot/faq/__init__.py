"""The FAQ knowledge base: entries shared in Redis, and answering residents' questions from them."""
