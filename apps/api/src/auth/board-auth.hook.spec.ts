import { isUnder } from '../http/route-hooks.js';
import { basicAuthValid } from './board-auth.hook.js';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('basicAuthValid', () => {
  it('accepts admin with the password, a colon in the password included', () => {
    expect(basicAuthValid(basic('admin:s3cret'), 's3cret')).toBe(true);
    expect(basicAuthValid(basic('admin:a:b'), 'a:b')).toBe(true);
    expect(basicAuthValid(`basic ${Buffer.from('admin:s3cret').toString('base64')}`, 's3cret')).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['a wrong password', basic('admin:nope')],
    ['a prefix of the password', basic('admin:s3cre')],
    ['another user', basic('root:s3cret')],
    ['no colon', basic('admins3cret')],
    ['an empty password', basic('admin:')],
    ['a bearer token', 'Bearer s3cret'],
    ['non-base64', 'Basic ###'],
  ])('refuses %s', (_label, header) => {
    expect(basicAuthValid(header, 's3cret')).toBe(false);
  });
});

describe('isUnder', () => {
  it('covers the route and everything below it, not its look-alikes', () => {
    expect(isUnder('/admin/queues', '/admin/queues')).toBe(true);
    expect(isUnder('/admin/queues/api/queues?page=1', '/admin/queues')).toBe(true);
    expect(isUnder('/admin/queues?x=1', '/admin/queues')).toBe(true);
    expect(isUnder('/admin/queuesX', '/admin/queues')).toBe(false);
    expect(isUnder('/admin/dead-letters', '/admin/queues')).toBe(false);
  });
});
