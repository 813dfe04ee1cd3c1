"""The API pieces every resource shares: base views, permissions, throttles, errors, schema, answer cache."""
