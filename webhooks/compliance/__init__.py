"""The compliance page, `/audit`: decisions, overrides and audit events, read-only, for people
signed in with GitHub, each seeing only the repositories GitHub says they may
(see `webhooks.compliance.pages`)."""
