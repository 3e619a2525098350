import type { Actor, IdentityStore, JsonObject } from '../../../identitystore/index.js';
import { catalog, voxError } from '../../../errors/index.js';
import { defineAwsService, type AwsCallContext, type AwsService } from '../aws-service.js';
import * as model from '../generated/identitystore-model.js';
import { AttributePathResolver } from './attribute-paths.js';
import { toDomainKeys } from './case-mapping.js';
import {
  alternateIdentifierFromWire,
  groupToWire,
  membershipToWire,
  userToWire,
  type NewUserAttributes,
} from './wire-mapping.js';

const SUPPORTED_EXTENSIONS = new Set(['aws:identitystore:enterprise']);

const actorOf = (ctx: AwsCallContext): Actor => ({ principal: ctx.accessKeyId, now: new Date() });
const page = (input: { MaxResults?: number; NextToken?: string }) => ({
  maxResults: input.MaxResults,
  nextToken: input.NextToken,
});
const firstFilter = (filters: model.Filters | undefined) =>
  filters && filters[0]
    ? { path: filters[0].AttributePath, value: filters[0].AttributeValue }
    : undefined;

function checkExtensionNames(names: readonly string[] | undefined): void {
  for (const name of names ?? []) {
    if (!SUPPORTED_EXTENSIONS.has(name)) {
      throw voxError(catalog.IdentityStoreValidation, {
        detail: `Unsupported extension '${name}': the only supported extension is aws:identitystore:enterprise`,
      });
    }
  }
}

/** Extension documents go to the domain as sent; it checks them (`checkExtensions`). */
function newUserFromWire(input: model.CreateUserRequest): NewUserAttributes {
  const { IdentityStoreId: _store, Extensions, ...rest } = input;
  const attributes = toDomainKeys(rest) as NewUserAttributes;
  return Extensions
    ? { ...attributes, extensions: Extensions as Readonly<Record<string, JsonObject>> }
    : attributes;
}

/**
 * The Identity Store API on the AWS JSON door: each handler translates wire input to one
 * domain call and the result back to the wire. Semantics: docs/identitystore.md.
 */
export function identityStoreService(store: IdentityStore): AwsService {
  const userPaths = AttributePathResolver.forUsers();
  const groupPaths = AttributePathResolver.forGroups();
  return defineAwsService<model.OperationTypes>(
    'identitystore',
    model,
    { validation: catalog.IdentityStoreValidation, internal: catalog.IdentityStoreInternal },
    {
      CreateUser: async (input, ctx) => ({
        IdentityStoreId: input.IdentityStoreId,
        UserId: await store.createUser(actorOf(ctx), input.IdentityStoreId, newUserFromWire(input)),
      }),
      DescribeUser: async (input) => {
        checkExtensionNames(input.Extensions);
        return userToWire(
          await store.describeUser(input.IdentityStoreId, input.UserId),
          input.Extensions,
        );
      },
      UpdateUser: async (input, ctx) => {
        await store.updateUser(
          actorOf(ctx),
          input.IdentityStoreId,
          input.UserId,
          userPaths.resolve(input.Operations),
        );
        return {};
      },
      DeleteUser: async (input) => {
        await store.deleteUser(input.IdentityStoreId, input.UserId);
        return {};
      },
      ListUsers: async (input) => {
        checkExtensionNames(input.Extensions);
        const result = await store.listUsers(
          input.IdentityStoreId,
          page(input),
          firstFilter(input.Filters),
        );
        return {
          Users: result.items.map((u) => userToWire(u, input.Extensions)),
          NextToken: result.nextToken,
        };
      },
      GetUserId: async (input) => ({
        IdentityStoreId: input.IdentityStoreId,
        UserId: await store.getUserId(
          input.IdentityStoreId,
          alternateIdentifierFromWire(input.AlternateIdentifier),
        ),
      }),
      CreateGroup: async (input, ctx) => {
        const { IdentityStoreId, ...rest } = input;
        return {
          IdentityStoreId,
          GroupId: await store.createGroup(
            actorOf(ctx),
            IdentityStoreId,
            toDomainKeys(rest) as { displayName: string },
          ),
        };
      },
      DescribeGroup: async (input) =>
        groupToWire(await store.describeGroup(input.IdentityStoreId, input.GroupId)),
      UpdateGroup: async (input, ctx) => {
        await store.updateGroup(
          actorOf(ctx),
          input.IdentityStoreId,
          input.GroupId,
          groupPaths.resolve(input.Operations),
        );
        return {};
      },
      DeleteGroup: async (input) => {
        await store.deleteGroup(input.IdentityStoreId, input.GroupId);
        return {};
      },
      ListGroups: async (input) => {
        const result = await store.listGroups(
          input.IdentityStoreId,
          page(input),
          firstFilter(input.Filters),
        );
        return { Groups: result.items.map(groupToWire), NextToken: result.nextToken };
      },
      GetGroupId: async (input) => ({
        IdentityStoreId: input.IdentityStoreId,
        GroupId: await store.getGroupId(
          input.IdentityStoreId,
          alternateIdentifierFromWire(input.AlternateIdentifier),
        ),
      }),
      CreateGroupMembership: async (input, ctx) => ({
        IdentityStoreId: input.IdentityStoreId,
        MembershipId: await store.createMembership(
          actorOf(ctx),
          input.IdentityStoreId,
          input.GroupId,
          input.MemberId.UserId,
        ),
      }),
      DescribeGroupMembership: async (input) =>
        membershipToWire(await store.describeMembership(input.IdentityStoreId, input.MembershipId)),
      DeleteGroupMembership: async (input) => {
        await store.deleteMembership(input.IdentityStoreId, input.MembershipId);
        return {};
      },
      GetGroupMembershipId: async (input) => ({
        IdentityStoreId: input.IdentityStoreId,
        MembershipId: await store.getMembershipId(
          input.IdentityStoreId,
          input.GroupId,
          input.MemberId.UserId,
        ),
      }),
      ListGroupMemberships: async (input) => {
        const result = await store.listMemberships(
          input.IdentityStoreId,
          input.GroupId,
          page(input),
        );
        return {
          GroupMemberships: result.items.map(membershipToWire),
          NextToken: result.nextToken,
        };
      },
      ListGroupMembershipsForMember: async (input) => {
        const result = await store.listMembershipsForMember(
          input.IdentityStoreId,
          input.MemberId.UserId,
          page(input),
        );
        return {
          GroupMemberships: result.items.map(membershipToWire),
          NextToken: result.nextToken,
        };
      },
      IsMemberInGroups: async (input) => {
        const results = await store.isMemberInGroups(
          input.IdentityStoreId,
          input.MemberId.UserId,
          input.GroupIds,
        );
        return {
          Results: results.map((r) => ({
            GroupId: r.groupId,
            MemberId: { UserId: r.userId },
            MembershipExists: r.exists,
          })),
        };
      },
    },
  );
}
