"""Reminders: who is reminded of what (selectors), the morning e-mail (service and task) and the
page "Mine påmindelser" (/mine-paamindelser/)."""
