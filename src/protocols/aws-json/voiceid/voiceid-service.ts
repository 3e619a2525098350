import type {
  DomainView,
  FraudsterView,
  JobView,
  SpeakerView,
  VoiceIdControlPlane,
  VoiceIdJobs,
  VoiceIdPeople,
  VoiceIdSessionEvaluator,
  VoiceIdSessions,
  WatchlistView,
} from '../../../voiceid/index.js';
import { sessionHandlers } from './voiceid-session-handlers.js';
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

function fraudsterToWire(f: FraudsterView): model.Fraudster {
  return {
    DomainId: f.domainId,
    GeneratedFraudsterId: f.fraudsterId,
    CreatedAt: seconds(f.createdAt),
    WatchlistIds: f.watchlistIds,
  };
}

function speakerToWire(s: SpeakerView): model.Speaker {
  return {
    DomainId: s.domainId,
    CustomerSpeakerId: s.customerSpeakerId,
    GeneratedSpeakerId: s.generatedSpeakerId,
    Status: s.status,
    CreatedAt: seconds(s.createdAt),
    UpdatedAt: seconds(s.updatedAt),
    LastAccessedAt: s.lastAccessedAt && seconds(s.lastAccessedAt),
  };
}

function jobSummary(j: JobView) {
  return {
    JobName: j.spec.jobName,
    JobId: j.jobId,
    JobStatus: j.status,
    DomainId: j.domainId,
    CreatedAt: seconds(j.createdAt),
    EndedAt: j.endedAt && seconds(j.endedAt),
    FailureDetails: j.failure && { StatusCode: j.failure.statusCode, Message: j.failure.message },
    JobProgress: { PercentComplete: j.percentComplete },
  };
}

function jobToWire(j: JobView) {
  return {
    ...jobSummary(j),
    DataAccessRoleArn: j.spec.dataAccessRoleArn,
    InputDataConfig: { S3Uri: j.spec.inputS3Uri },
    OutputDataConfig: { S3Uri: j.spec.outputS3Uri, KmsKeyId: j.spec.outputKmsKeyId },
  };
}

function enrollmentJobToWire(j: JobView): model.SpeakerEnrollmentJob {
  const e = j.spec.enrollment;
  return {
    ...jobToWire(j),
    EnrollmentConfig: e && {
      ExistingEnrollmentAction: e.existingEnrollmentAction,
      FraudDetectionConfig: {
        FraudDetectionAction: e.fraudDetection.action,
        RiskThreshold: e.fraudDetection.riskThreshold,
        WatchlistIds: e.fraudDetection.watchlistIds,
      },
    },
  } as model.SpeakerEnrollmentJob;
}

function registrationJobToWire(j: JobView): model.FraudsterRegistrationJob {
  const r = j.spec.registration;
  return {
    ...jobToWire(j),
    RegistrationConfig: r && {
      DuplicateRegistrationAction: r.duplicateRegistrationAction,
      FraudsterSimilarityThreshold: r.similarityThreshold,
      WatchlistIds: r.watchlistIds,
    },
  } as model.FraudsterRegistrationJob;
}

/** What both Start*Job operations share. */
function jobInput(
  input: model.StartSpeakerEnrollmentJobRequest | model.StartFraudsterRegistrationJobRequest,
) {
  return {
    clientToken: input.ClientToken,
    jobName: input.JobName,
    dataAccessRoleArn: input.DataAccessRoleArn,
    inputS3Uri: input.InputDataConfig.S3Uri,
    outputS3Uri: input.OutputDataConfig.S3Uri,
    outputKmsKeyId: input.OutputDataConfig.KmsKeyId,
  };
}

const page = (input: { MaxResults?: number; NextToken?: string }) => ({
  maxResults: input.MaxResults,
  nextToken: input.NextToken,
});
const tagsFromWire = (tags: model.TagList | undefined) =>
  (tags ?? []).map((t) => ({ key: t.Key, value: t.Value }));

/**
 * The Voice ID API on the AWS JSON door, with Voxgate's session operations
 * (extensions/voiceid-sessions.json).
 */
export function voiceIdService(
  voiceId: VoiceIdControlPlane,
  people: VoiceIdPeople,
  jobs: VoiceIdJobs,
  sessions: VoiceIdSessions,
  options: {
    readonly publicStreamUrl: string | undefined;
    readonly evaluator: VoiceIdSessionEvaluator;
  },
): AwsService {
  return defineAwsService<model.OperationTypes>(
    'voiceid',
    model,
    { validation: catalog.VoiceIdValidation, internal: catalog.VoiceIdInternal },
    {
      ...sessionHandlers(sessions, options.evaluator, options.publicStreamUrl),
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
      DescribeFraudster: async (input) => ({
        Fraudster: fraudsterToWire(
          await people.describeFraudster(input.DomainId, input.FraudsterId),
        ),
      }),
      DeleteFraudster: async (input) => {
        await people.deleteFraudster(input.DomainId, input.FraudsterId);
        return {};
      },
      ListFraudsters: async (input) => {
        const result = await people.listFraudsters(input.DomainId, input.WatchlistId, page(input));
        return {
          FraudsterSummaries: result.items.map((f) => ({
            DomainId: f.domainId,
            GeneratedFraudsterId: f.fraudsterId,
            CreatedAt: seconds(f.createdAt),
            WatchlistIds: f.watchlistIds,
          })),
          NextToken: result.nextToken,
        };
      },
      AssociateFraudster: async (input) => ({
        Fraudster: fraudsterToWire(
          await people.associateFraudster(input.DomainId, input.WatchlistId, input.FraudsterId),
        ),
      }),
      DisassociateFraudster: async (input) => ({
        Fraudster: fraudsterToWire(
          await people.disassociateFraudster(input.DomainId, input.WatchlistId, input.FraudsterId),
        ),
      }),
      DescribeSpeaker: async (input) => ({
        Speaker: speakerToWire(await people.describeSpeaker(input.DomainId, input.SpeakerId)),
      }),
      DeleteSpeaker: async (input) => {
        await people.deleteSpeaker(input.DomainId, input.SpeakerId);
        return {};
      },
      ListSpeakers: async (input) => {
        const result = await people.listSpeakers(input.DomainId, page(input));
        return { SpeakerSummaries: result.items.map(speakerToWire), NextToken: result.nextToken };
      },
      OptOutSpeaker: async (input) => ({
        Speaker: speakerToWire(await people.optOutSpeaker(input.DomainId, input.SpeakerId)),
      }),
      StartSpeakerEnrollmentJob: async (input) => ({
        Job: enrollmentJobToWire(
          await jobs.start('SPEAKER_ENROLLMENT', input.DomainId, {
            ...jobInput(input),
            enrollment: {
              existingEnrollmentAction: input.EnrollmentConfig?.ExistingEnrollmentAction,
              fraudDetection: input.EnrollmentConfig?.FraudDetectionConfig && {
                action: input.EnrollmentConfig.FraudDetectionConfig.FraudDetectionAction,
                riskThreshold: input.EnrollmentConfig.FraudDetectionConfig.RiskThreshold,
                watchlistIds: input.EnrollmentConfig.FraudDetectionConfig.WatchlistIds,
              },
            },
          }),
        ),
      }),
      DescribeSpeakerEnrollmentJob: async (input) => ({
        Job: enrollmentJobToWire(
          await jobs.describe('SPEAKER_ENROLLMENT', input.DomainId, input.JobId),
        ),
      }),
      ListSpeakerEnrollmentJobs: async (input) => {
        const result = await jobs.list(
          'SPEAKER_ENROLLMENT',
          input.DomainId,
          input.JobStatus,
          page(input),
        );
        return {
          JobSummaries: result.items.map(jobSummary) as model.SpeakerEnrollmentJobSummary[],
          NextToken: result.nextToken,
        };
      },
      StartFraudsterRegistrationJob: async (input) => ({
        Job: registrationJobToWire(
          await jobs.start('FRAUDSTER_REGISTRATION', input.DomainId, {
            ...jobInput(input),
            registration: {
              duplicateRegistrationAction: input.RegistrationConfig?.DuplicateRegistrationAction,
              similarityThreshold: input.RegistrationConfig?.FraudsterSimilarityThreshold,
              watchlistIds: input.RegistrationConfig?.WatchlistIds,
            },
          }),
        ),
      }),
      DescribeFraudsterRegistrationJob: async (input) => ({
        Job: registrationJobToWire(
          await jobs.describe('FRAUDSTER_REGISTRATION', input.DomainId, input.JobId),
        ),
      }),
      ListFraudsterRegistrationJobs: async (input) => {
        const result = await jobs.list(
          'FRAUDSTER_REGISTRATION',
          input.DomainId,
          input.JobStatus,
          page(input),
        );
        return {
          JobSummaries: result.items.map(jobSummary) as model.FraudsterRegistrationJobSummary[],
          NextToken: result.nextToken,
        };
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
