/** Which addresses an audio URL may reach, and how the allow-list opens private ones. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressPolicy } from '../../src/audio/address-policy.js';

const denied = [
  '0.0.0.0',
  '10.1.2.3',
  '100.64.0.1',
  '127.0.0.1',
  '127.255.255.254',
  '169.254.169.254', // cloud metadata
  '172.16.0.1',
  '172.31.255.255',
  '192.168.1.1',
  '198.18.0.1',
  '224.0.0.251',
  '239.255.255.250',
  '255.255.255.255',
  '::',
  '::1',
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '0:0:0:0:0:ffff:a9fe:a9fe',
  '::ffff:10.0.0.1',
  '64:ff9b::a00:1', // NAT64 of 10.0.0.1
  '2002:c0a8:0101::1', // 6to4 of 192.168.1.1
  'fc00::1',
  'fd12:3456::1',
  'fe80::1',
  'fe80::1%eth0',
  'ff02::1',
  '2001:db8::1',
];
const permitted = [
  '8.8.8.8',
  '1.1.1.1',
  '172.32.0.1',
  '93.184.216.34',
  '2606:4700:4700::1111',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '2002:0808:0808::1',
];

describe('AddressPolicy', () => {
  test('private, loopback, link-local, multicast, unspecified and unique-local are refused', () => {
    const policy = new AddressPolicy([]);
    for (const address of denied)
      assert.equal(policy.permits('example.com', address), false, address);
    for (const address of permitted)
      assert.equal(policy.permits('example.com', address), true, address);
  });

  test('the allow-list opens CIDRs, single addresses and host names', () => {
    const policy = new AddressPolicy([
      '127.0.0.1/32',
      '10.20.0.0/16',
      'fd00::/8',
      '192.168.1.7',
      'media.internal',
    ]);
    assert.equal(policy.permits('x', '127.0.0.1'), true);
    assert.equal(
      policy.permits('x', '::ffff:127.0.0.1'),
      true,
      'mapped form of an allowed address',
    );
    assert.equal(policy.permits('x', '127.0.0.2'), false);
    assert.equal(policy.permits('x', '10.20.3.4'), true);
    assert.equal(policy.permits('x', '10.21.3.4'), false);
    assert.equal(policy.permits('x', 'fd00::5'), true);
    assert.equal(policy.permits('x', '192.168.1.7'), true);
    assert.equal(policy.permits('x', '192.168.1.8'), false);
    assert.equal(policy.permits('Media.Internal.', '10.9.9.9'), true);
    assert.equal(policy.permits('other.internal', '10.9.9.9'), false);
  });

  test('a malformed CIDR is refused when the policy is built', () => {
    assert.throws(() => new AddressPolicy(['10.0.0.0/33']), TypeError);
    assert.throws(() => new AddressPolicy(['nonsense/8']), TypeError);
  });
});
