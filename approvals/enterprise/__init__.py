"""Enterprise accounts (a feature room): self-registration with email verification, one-time
mailed links (verify, reset, unlock, invitation), members of an enterprise, and agents
(代理机构) applying for an enterprise under its recorded authorisation."""
