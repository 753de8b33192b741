"""Analysis over tagged plans: theme overview, years, search, evaluation."""
