// A real OpenID Connect provider (panva/oidc-provider, OpenID Certified) for the tests.
// Configuration comes from the environment:
//   OIDC_PORT       port on 127.0.0.1
//   OIDC_CLIENTS    JSON list of client metadata (client_id, client_secret, redirect_uris)
//   OIDC_ACCOUNTS   JSON object: account id -> claims (name, preferred_username, email, eia_role)
// Sign-in uses the provider's own login and consent pages (devInteractions): the login name
// is the account id; a name not in OIDC_ACCOUNTS signs in with no claims but "sub".
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');

const provider = new Provider(issuer, {
  clients: clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    eia: ['eia_role'],
  },
  scopes: ['openid', 'profile', 'email', 'eia', 'offline_access'],
  conformIdTokenClaims: false, // the requested claims ride in the ID token too
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['eia-test-oidc-cookie-key-0123456789'] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...(accounts[id] || {}) };
      },
    };
  },
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ready at ${issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
