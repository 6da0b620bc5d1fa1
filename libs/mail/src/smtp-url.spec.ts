import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSmtpUrl, redactSmtpUrl, SmtpUrlError } from './smtp-url';

describe('parseSmtpUrl', () => {
  it.each<[string, object]>([
    [
      'smtp://127.0.0.1:2525',
      { secure: false, host: '127.0.0.1', port: 2525, requireTls: false, ignoreTls: false, rejectUnauthorized: true },
    ],
    ['smtp://mail.example', { secure: false, host: 'mail.example', port: 587 }],
    ['smtps://mail.example', { secure: true, host: 'mail.example', port: 465 }],
    ['smtp://user:pa%40ss@mail.example:587', { auth: { user: 'user', pass: 'pa@ss' }, port: 587 }],
    ['smtp://ops%40x.cn:p@mail.example', { auth: { user: 'ops@x.cn', pass: 'p' } }],
    ['smtp://mail.example:587?requireTLS=true', { requireTls: true }],
    ['smtp://127.0.0.1:2525?ignoreTLS=1', { ignoreTls: true }],
    ['smtps://mail.example?rejectUnauthorized=false', { rejectUnauthorized: false }],
    ['smtp://[::1]:2525', { host: '::1', port: 2525 }],
  ])('%s', (url, want) => {
    expect(parseSmtpUrl(url)).toMatchObject(want);
  });

  it('reads the CA of caFile (PEM) into the endpoint', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-smtp-ca-'));
    const ca = path.join(dir, 'ca.pem');
    fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    fs.writeFileSync(path.join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
    expect(parseSmtpUrl(`smtps://mail.example?caFile=${encodeURIComponent(ca)}`)).toMatchObject({
      secure: true,
      rejectUnauthorized: true,
      ca: fs.readFileSync(ca, 'utf8'),
    });
    expect(parseSmtpUrl('smtps://mail.example').ca).toBeUndefined();
    expect(() => parseSmtpUrl(`smtps://mail.example?caFile=${dir}/missing.pem`)).toThrow(
      /caFile=.*missing\.pem: cannot read \(ENOENT\)/,
    );
    expect(() => parseSmtpUrl(`smtps://mail.example?caFile=${dir}/key.pem`)).toThrow(/not a PEM certificate/);
  });

  it('has no auth without a user', () => {
    expect(parseSmtpUrl('smtp://127.0.0.1:2525').auth).toBeUndefined();
  });

  it.each([
    ['http://mail.example', /smtp:\/\//],
    ['not a url', /not a URL/],
    ['smtp://mail.example?requireTLS=maybe', /requireTLS=maybe/],
    ['smtp://mail.example?requiretls=true', /unknown option requiretls/],
    ['smtp://mail.example?requireTLS=true&ignoreTLS=true', /contradict/],
    ['smtps://mail.example?ignoreTLS=true', /ignoreTLS with smtps/],
  ])('rejects %s', (url, message) => {
    expect(() => parseSmtpUrl(url)).toThrow(SmtpUrlError);
    expect(() => parseSmtpUrl(url)).toThrow(message);
  });

  it('never puts the password in an error', () => {
    expect(() => parseSmtpUrl('http://u:secret@mail')).toThrow(/u:\*\*\*@mail/);
  });
});

it.each<[string, string]>([
  ['smtp://u:secret@mail:587', 'smtp://u:***@mail:587'],
  ['smtps://u:s%40c@mail', 'smtps://u:***@mail'],
  ['smtp://mail:25', 'smtp://mail:25'],
])('redactSmtpUrl(%p)', (url, want) => expect(redactSmtpUrl(url)).toBe(want));
