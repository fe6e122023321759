"""aiogram routers: thin translations between chat events and calls on bot/ (one router per audience)."""
