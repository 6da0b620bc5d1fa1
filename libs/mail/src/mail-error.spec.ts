import { classifySendError, isTransient, MailSendError } from './mail-error';

describe('isTransient', () => {
  it.each<[string, object, boolean]>([
    ['451 try later', { code: 'EENVELOPE', responseCode: 451 }, true],
    ['421 service not available', { code: 'EPROTOCOL', responseCode: 421 }, true],
    ['454 temporary auth failure', { code: 'EAUTH', responseCode: 454 }, true],
    ['503 bad sequence', { code: 'EPROTOCOL', responseCode: 503 }, true],
    ['550 mailbox unavailable', { code: 'EENVELOPE', responseCode: 550 }, false],
    ['552 too big', { code: 'EMESSAGE', responseCode: 552 }, false],
    ['535 bad credentials', { code: 'EAUTH', responseCode: 535 }, false],
    ['connection refused', { code: 'ESOCKET' }, true],
    ['connection closed', { code: 'ECONNECTION' }, true],
    ['timeout', { code: 'ETIMEDOUT' }, true],
    ['dns', { code: 'EDNS' }, true],
    ['tls', { code: 'ETLS' }, true],
    ['unknown', {}, true],
    ['our own refusal', { code: 'EINVALID' }, false],
    ['bad configuration', { code: 'ECONFIG' }, false],
  ])('%s → transient %p', (_, err, want) => {
    expect(isTransient(err)).toBe(want);
  });
});

it('classifySendError keeps what the server said', () => {
  const e = classifySendError(
    Object.assign(new Error('Mail command failed: 451 later'), {
      code: 'EENVELOPE',
      responseCode: 451,
      response: '451 later',
    }),
  );
  expect(e).toBeInstanceOf(MailSendError);
  expect(e).toMatchObject({
    transient: true,
    permanent: false,
    code: 'EENVELOPE',
    responseCode: 451,
    response: '451 later',
  });
  expect(classifySendError(e)).toBe(e);
  expect(classifySendError('boom')).toMatchObject({ message: 'boom', transient: true });
});
