"""The 50 mio. kr. pool: udviklingsskoler, investments, their decision path and spending."""
