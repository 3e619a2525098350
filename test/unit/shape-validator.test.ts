import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  OPERATIONS as IDENTITYSTORE_OPERATIONS,
  SHAPES as IDENTITYSTORE,
} from '../../src/protocols/aws-json/generated/identitystore-model.js';
import { SHAPES as VOICEID } from '../../src/protocols/aws-json/generated/voiceid-model.js';
import type { ShapeTable } from '../../src/protocols/aws-json/shape-table.js';
import {
  compileInputValidators,
  compileShapeValidator,
  type ShapeValidation,
} from '../../src/protocols/aws-json/shape-validator.js';

const STORE = 'd-1234567890';
const USER = '1234567890-11111111-2222-3333-4444-555555555555';
const DOMAIN = 'abcdefghijklmnopqrstuv';
const ID_PATTERN =
  '^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

const createUser = compileShapeValidator(IDENTITYSTORE, 'CreateUserRequest');
const listUsers = compileShapeValidator(IDENTITYSTORE, 'ListUsersRequest');
const getUserId = compileShapeValidator(IDENTITYSTORE, 'GetUserIdRequest');

function validation(result: ShapeValidation): string {
  assert.equal(result.ok, false, 'expected a failure');
  assert.ok(!result.ok);
  assert.equal(result.kind, 'validation', result.message);
  return result.message;
}

function assertValid(result: ShapeValidation | undefined): unknown {
  assert.ok(result?.ok, result && !result.ok ? result.message : 'no validator');
  return result.value;
}

function serialization(result: ShapeValidation): string {
  assert.ok(!result.ok, 'expected a failure');
  assert.equal(result.kind, 'serialization', result.message);
  return result.message;
}

const one = (detail: string): string => `1 validation error detected: ${detail}`;

describe('valid input', () => {
  test('a full CreateUser request passes', () => {
    const result = createUser({
      IdentityStoreId: STORE,
      UserName: 'jdoe',
      Name: { FamilyName: 'Doe', GivenName: 'John' },
      DisplayName: 'John Doe',
      Emails: [{ Value: 'j@example.com', Type: 'work', Primary: true }],
      Extensions: { 'aws:identitystore:enterprise': { employeeNumber: '42', manager: null } },
    });
    assertValid(result);
  });

  test('unknown members are dropped and null members count as absent', () => {
    assert.deepEqual(
      assertValid(createUser({ IdentityStoreId: STORE, Bogus: [1], UserName: null })),
      { IdentityStoreId: STORE },
    );
  });

  test('the valid copy keeps exactly the model members, at every depth; documents verbatim', () => {
    const input = {
      IdentityStoreId: STORE,
      UserId: 'chosen-by-the-caller',
      UserName: 'jdoe',
      Name: { GivenName: 'John', FamilyName: 'Doe', Junk: 'x'.repeat(1000) },
      Emails: [{ Value: null, Primary: true, Verified: 'yes' }],
      Extensions: { 'aws:identitystore:enterprise': { costCenter: '7', nested: [null, { a: 1 }] } },
    };
    const value = assertValid(createUser(input));
    assert.deepEqual(value, {
      IdentityStoreId: STORE,
      UserName: 'jdoe',
      Name: { GivenName: 'John', FamilyName: 'Doe' },
      Emails: [{ Primary: true }],
      Extensions: { 'aws:identitystore:enterprise': { costCenter: '7', nested: [null, { a: 1 }] } },
    });
    assert.notEqual(value, input, 'a copy: the input is left as it was');
    assert.equal(input.UserId, 'chosen-by-the-caller');
  });

  test("a map key '__proto__' stays an own key of the copy, no prototype is set", () => {
    const input = JSON.parse(
      `{"IdentityStoreId":"${STORE}","UserName":"j","Extensions":{"__proto__":{"polluted":true}}}`,
    ) as unknown;
    const result = createUser(input);
    // The key breaks the ExtensionName pattern: a validation error, and nothing polluted.
    assert.equal(result.ok, false);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('Voice ID requests pass', () => {
    const startJob = compileShapeValidator(VOICEID, 'StartSpeakerEnrollmentJobRequest');
    const result = startJob({
      ClientToken: 'tok-1',
      DomainId: DOMAIN,
      DataAccessRoleArn: 'arn:aws:iam::123456789012:role/voiceid',
      EnrollmentConfig: {
        FraudDetectionConfig: { RiskThreshold: 50, FraudDetectionAction: 'FAIL' },
      },
      InputDataConfig: { S3Uri: 's3://bucket/in.json' },
      OutputDataConfig: { S3Uri: 's3://bucket/out' },
    });
    assertValid(result);
  });
});

describe('constraint failures', () => {
  test('pattern: the value is echoed and the model pattern quoted', () => {
    assert.equal(
      validation(createUser({ IdentityStoreId: 'bad id!' })),
      one(
        `Value 'bad id!' at 'identityStoreId' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ID_PATTERN}`,
      ),
    );
  });

  test('required: Value null', () => {
    const describeUser = compileShapeValidator(IDENTITYSTORE, 'DescribeUserRequest');
    assert.equal(
      validation(describeUser({ IdentityStoreId: STORE })),
      one("Value null at 'userId' failed to satisfy constraint: Member must not be null"),
    );
  });

  test('sensitive members are never echoed', () => {
    assert.equal(
      validation(createUser({ IdentityStoreId: STORE, UserName: 'x'.repeat(129) })),
      one(
        "Value at 'userName' failed to satisfy constraint: Member must have length less than or equal to 128",
      ),
    );
    const describeSpeaker = compileShapeValidator(VOICEID, 'DescribeSpeakerRequest');
    const message = validation(describeSpeaker({ DomainId: DOMAIN, SpeakerId: 'no spaces!' }));
    assert.match(message, /^1 validation error detected: Value at 'speakerId' failed/);
    assert.ok(!message.includes('no spaces!'));
  });

  test('string length counts code points', () => {
    assertValid(createUser({ IdentityStoreId: STORE, UserName: '😀'.repeat(128) }));
    assert.match(
      validation(createUser({ IdentityStoreId: STORE, UserName: '😀'.repeat(129) })),
      /less than or equal to 128$/,
    );
    assert.match(
      validation(createUser({ IdentityStoreId: STORE, UserName: '' })),
      /Member must have length greater than or equal to 1; /,
    );
  });

  test('range on MaxResults', () => {
    assert.equal(
      validation(listUsers({ IdentityStoreId: STORE, MaxResults: 0 })),
      one(
        "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ),
    );
    assert.equal(
      validation(listUsers({ IdentityStoreId: STORE, MaxResults: 101 })),
      one(
        "Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
      ),
    );
    assertValid(listUsers({ IdentityStoreId: STORE, MaxResults: 100 }));
  });

  test('enum value set (Smithy 1 enum trait)', () => {
    const listJobs = compileShapeValidator(VOICEID, 'ListSpeakerEnrollmentJobsRequest');
    assert.equal(
      validation(listJobs({ DomainId: DOMAIN, JobStatus: 'NOPE' })),
      one(
        "Value 'NOPE' at 'jobStatus' failed to satisfy constraint: Member must satisfy enum value set: [SUBMITTED, IN_PROGRESS, COMPLETED, COMPLETED_WITH_ERRORS, FAILED]",
      ),
    );
  });

  test('enum value set (Smithy 2 enum shape)', () => {
    const response = compileShapeValidator(IDENTITYSTORE, 'DescribeUserResponse');
    assert.equal(
      validation(response({ IdentityStoreId: STORE, UserId: USER, UserStatus: 'GONE' })),
      one(
        "Value 'GONE' at 'userStatus' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]",
      ),
    );
  });

  test('union needs exactly one member set, and its value is not echoed', () => {
    const expected = one(
      "Value at 'alternateIdentifier' failed to satisfy constraint: Member must have exactly one member set",
    );
    assert.equal(
      validation(getUserId({ IdentityStoreId: STORE, AlternateIdentifier: {} })),
      expected,
    );
    const both = {
      ExternalId: { Issuer: 'okta', Id: 'ext-1' },
      UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'jdoe' },
    };
    assert.equal(
      validation(getUserId({ IdentityStoreId: STORE, AlternateIdentifier: both })),
      expected,
    );
    assertValid(
      getUserId({ IdentityStoreId: STORE, AlternateIdentifier: { ExternalId: both.ExternalId } }),
    );
  });

  test('list length, unique items and map length', () => {
    const emails = [{ Value: 'a@example.com' }, { Value: 'b@example.com' }];
    assert.equal(
      validation(createUser({ IdentityStoreId: STORE, Emails: emails })),
      one(
        "Value at 'emails' failed to satisfy constraint: Member must have length less than or equal to 1",
      ),
    );
    const describeUser = compileShapeValidator(IDENTITYSTORE, 'DescribeUserRequest');
    const name = 'aws:identitystore:enterprise';
    assert.equal(
      validation(describeUser({ IdentityStoreId: STORE, UserId: USER, Extensions: [name, name] })),
      one("Value at 'extensions' failed to satisfy constraint: Member must have unique items"),
    );
    assert.equal(
      validation(createUser({ IdentityStoreId: STORE, Extensions: {} })),
      one(
        "Value at 'extensions' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ),
    );
  });

  test('nested paths are lower camel with 1-based list positions', () => {
    const updateUser = compileShapeValidator(IDENTITYSTORE, 'UpdateUserRequest');
    const message = validation(
      updateUser({
        IdentityStoreId: STORE,
        UserId: USER,
        Operations: [{ AttributePath: 'displayName' }, { AttributePath: 'not a path' }],
      }),
    );
    assert.match(
      message,
      /^1 validation error detected: Value 'not a path' at 'operations\.2\.attributePath' /,
    );
  });

  test('several failures are counted and joined in member order', () => {
    assert.equal(
      validation(listUsers({ MaxResults: 0, NextToken: '' })),
      '3 validation errors detected: ' +
        "Value null at 'identityStoreId' failed to satisfy constraint: Member must not be null; " +
        "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });
});

describe('wrong JSON types are serialization errors', () => {
  test('object expected', () => {
    assert.equal(
      serialization(createUser({ IdentityStoreId: STORE, Name: 'John' })),
      "Expected an object at 'Name' but found a string",
    );
  });

  test('number, integer, boolean, list and string expected', () => {
    assert.equal(
      serialization(listUsers({ IdentityStoreId: STORE, MaxResults: '5' })),
      "Expected an integer at 'MaxResults' but found a string",
    );
    assert.equal(
      serialization(listUsers({ IdentityStoreId: STORE, MaxResults: 1.5 })),
      "Expected an integer at 'MaxResults' but found a fractional number",
    );
    assert.equal(
      serialization(createUser({ IdentityStoreId: STORE, Emails: [{ Primary: 'yes' }] })),
      "Expected a boolean at 'Emails.0.Primary' but found a string",
    );
    assert.equal(
      serialization(createUser({ IdentityStoreId: STORE, Emails: { Value: 'x' } })),
      "Expected an array at 'Emails' but found an object",
    );
    assert.equal(
      serialization(createUser({ IdentityStoreId: 42 })),
      "Expected a string at 'IdentityStoreId' but found a number",
    );
    assert.equal(
      serialization(createUser({ IdentityStoreId: STORE, Emails: [null] })),
      "Expected an object at 'Emails.0' but found null",
    );
  });

  test('timestamps must be epoch seconds', () => {
    const response = compileShapeValidator(IDENTITYSTORE, 'DescribeUserResponse');
    assertValid(response({ IdentityStoreId: STORE, UserId: USER, CreatedAt: 1700000000.5 }));
    assert.equal(
      serialization(response({ IdentityStoreId: STORE, UserId: USER, CreatedAt: '2024-01-01' })),
      "Expected a number of epoch seconds at 'CreatedAt' but found a string",
    );
  });

  test('the root must be an object; an absent body means no members', () => {
    assert.equal(serialization(createUser([])), 'Expected an object but found an array');
    assert.match(
      validation(createUser(undefined)),
      /^1 validation error detected: Value null at 'identityStoreId'/,
    );
  });

  test('a type error wins over constraint failures found before it', () => {
    assert.equal(
      serialization(listUsers({ MaxResults: 0, NextToken: 7 })),
      "Expected a string at 'NextToken' but found a number",
    );
  });

  test('documents accept any JSON', () => {
    const updateUser = compileShapeValidator(IDENTITYSTORE, 'UpdateUserRequest');
    for (const value of [1, 'x', true, [null, { a: [] }], { nested: { deep: null } }]) {
      const ops = [{ AttributePath: 'displayName', AttributeValue: value }];
      assertValid(updateUser({ IdentityStoreId: STORE, UserId: USER, Operations: ops }));
    }
  });
});

describe('shapes the AWS models do not use', () => {
  const table: ShapeTable = {
    Tree: {
      type: 'structure',
      members: {
        Level: {
          target: 'Level',
          jsonName: 'Level',
          required: true,
          sensitive: false,
          idempotencyToken: false,
        },
        Weight: {
          target: 'Weight',
          jsonName: 'Weight',
          required: false,
          sensitive: false,
          idempotencyToken: false,
        },
        Data: {
          target: 'Data',
          jsonName: 'Data',
          required: false,
          sensitive: false,
          idempotencyToken: false,
        },
        Children: {
          target: 'Trees',
          jsonName: 'Children',
          required: false,
          sensitive: false,
          idempotencyToken: false,
        },
        Mode: {
          target: 'Mode',
          jsonName: 'Mode',
          required: true,
          sensitive: false,
          idempotencyToken: false,
          default: 1,
        },
      },
    },
    Trees: { type: 'list', member: 'Tree', memberSensitive: false, uniqueItems: false },
    Level: { type: 'intEnum', values: [1, 2, 3] },
    Mode: { type: 'intEnum', values: [1, 2] },
    Weight: { type: 'double', range: { min: 0 } },
    Data: { type: 'blob', length: { max: 3 } },
  };
  const tree = compileShapeValidator(table, 'Tree');

  test('recursive shapes, intEnum, double and blob', () => {
    assertValid(
      tree({ Level: 1, Weight: 'Infinity', Data: 'AQID', Children: [{ Level: 2, Weight: 0.5 }] }),
    );
    assert.equal(
      validation(tree({ Level: 1, Children: [{ Level: 4, Weight: -1, Data: 'AQIDBA==' }] })),
      '3 validation errors detected: ' +
        "Value '4' at 'children.1.level' failed to satisfy constraint: Member must satisfy enum value set: [1, 2, 3]; " +
        "Value '-1' at 'children.1.weight' failed to satisfy constraint: Member must have value greater than or equal to 0; " +
        "Value at 'children.1.data' failed to satisfy constraint: Member must have length less than or equal to 3",
    );
    assert.equal(
      serialization(tree({ Level: 1, Data: 'not base64!' })),
      "Expected a base64-encoded string at 'Data' but found a string",
    );
    assert.equal(
      serialization(tree({ Level: 3000000000 })),
      "Expected an integer within the integer range at 'Level' but found 3000000000",
    );
  });

  test('unknown shapes fail at compile time', () => {
    assert.throws(() => compileShapeValidator(table, 'Nope'), /Nope/);
  });
});

test('compileInputValidators covers every operation', () => {
  const validators = compileInputValidators(IDENTITYSTORE, IDENTITYSTORE_OPERATIONS);
  assert.equal(validators.size, Object.keys(IDENTITYSTORE_OPERATIONS).length);
  assertValid(validators.get('DeleteUser')?.({ IdentityStoreId: STORE, UserId: USER }));
  assert.equal(validators.get('DeleteUser')?.({ IdentityStoreId: STORE }).ok, false);
});
