import type { DomainView, VoiceIdControlPlane, WatchlistView } from '../../../voiceid/index.js';
import { catalog } from '../../../errors/index.js';
import { defineAwsService, type AwsService } from '../aws-service.js';
import * as model from '../generated/voiceid-model.js';

const seconds = (d: Date): number => d.getTime() / 1000;

function domainToWire(d: DomainView): model.Domain {
  return {
    DomainId: d.domainId,
    Arn: d.arn,
    Name: d.name,
    Description: d.description,
    DomainStatus: d.status,
    ServerSideEncryptionConfiguration: { KmsKeyId: d.kmsKeyId },
    CreatedAt: seconds(d.createdAt),
    UpdatedAt: seconds(d.updatedAt),
    ServerSideEncryptionUpdateDetails: d.sseUpdate && {
      OldKmsKeyId: d.sseUpdate.oldKmsKeyId,
      UpdateStatus: d.sseUpdate.status,
      Message: d.sseUpdate.message,
    },
    WatchlistDetails: { DefaultWatchlistId: d.defaultWatchlistId },
  };
}

function watchlistToWire(w: WatchlistView): model.Watchlist {
  return {
    DomainId: w.domainId,
    WatchlistId: w.watchlistId,
    Name: w.name,
    Description: w.description,
    DefaultWatchlist: w.isDefault,
    CreatedAt: seconds(w.createdAt),
    UpdatedAt: seconds(w.updatedAt),
  };
}

const page = (input: { MaxResults?: number; NextToken?: string }) => ({
  maxResults: input.MaxResults,
  nextToken: input.NextToken,
});
const tagsFromWire = (tags: model.TagList | undefined) =>
  (tags ?? []).map((t) => ({ key: t.Key, value: t.Value }));

/**
 * The Voice ID API on the AWS JSON door. Operations not listed here (speakers, fraudsters,
 * jobs, sessions) answer NotImplementedException until they land.
 */
export function voiceIdService(voiceId: VoiceIdControlPlane): AwsService {
  return defineAwsService<model.OperationTypes>(
    'voiceid',
    model,
    { validation: catalog.VoiceIdValidation, internal: catalog.VoiceIdInternal },
    {
      CreateDomain: async (input) => ({
        Domain: domainToWire(
          await voiceId.createDomain({
            name: input.Name,
            description: input.Description,
            kmsKeyId: input.ServerSideEncryptionConfiguration.KmsKeyId,
            clientToken: input.ClientToken,
            tags: tagsFromWire(input.Tags),
          }),
        ),
      }),
      DescribeDomain: async (input) => ({
        Domain: domainToWire(await voiceId.describeDomain(input.DomainId)),
      }),
      UpdateDomain: async (input) => ({
        Domain: domainToWire(
          await voiceId.updateDomain(input.DomainId, {
            name: input.Name,
            description: input.Description,
            kmsKeyId: input.ServerSideEncryptionConfiguration.KmsKeyId,
          }),
        ),
      }),
      DeleteDomain: async (input) => {
        await voiceId.deleteDomain(input.DomainId);
        return {};
      },
      ListDomains: async (input) => {
        const result = await voiceId.listDomains(page(input));
        return { DomainSummaries: result.items.map(domainToWire), NextToken: result.nextToken };
      },
      CreateWatchlist: async (input) => ({
        Watchlist: watchlistToWire(
          await voiceId.createWatchlist(input.DomainId, {
            name: input.Name,
            description: input.Description,
            clientToken: input.ClientToken,
          }),
        ),
      }),
      DescribeWatchlist: async (input) => ({
        Watchlist: watchlistToWire(
          await voiceId.describeWatchlist(input.DomainId, input.WatchlistId),
        ),
      }),
      UpdateWatchlist: async (input) => ({
        Watchlist: watchlistToWire(
          await voiceId.updateWatchlist(input.DomainId, input.WatchlistId, {
            name: input.Name,
            description: input.Description,
          }),
        ),
      }),
      DeleteWatchlist: async (input) => {
        await voiceId.deleteWatchlist(input.DomainId, input.WatchlistId);
        return {};
      },
      ListWatchlists: async (input) => {
        const result = await voiceId.listWatchlists(input.DomainId, page(input));
        return {
          WatchlistSummaries: result.items.map(watchlistToWire),
          NextToken: result.nextToken,
        };
      },
      TagResource: async (input) => {
        await voiceId.tagResource(input.ResourceArn, tagsFromWire(input.Tags));
        return {};
      },
      UntagResource: async (input) => {
        await voiceId.untagResource(input.ResourceArn, input.TagKeys);
        return {};
      },
      ListTagsForResource: async (input) => ({
        Tags: (await voiceId.listTags(input.ResourceArn)).map((t) => ({
          Key: t.key,
          Value: t.value,
        })),
      }),
    },
  );
}
