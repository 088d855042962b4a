"""The stakeholder map (krachtenveld) per priority: who matters, and on which side."""
