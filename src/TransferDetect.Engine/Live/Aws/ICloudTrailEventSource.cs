using System;
using System.Threading;
using System.Threading.Tasks;

namespace TransferDetect.Engine.Live.Aws;

/// <summary>
/// One page of CloudTrail LookupEvents. AWSSDK.CloudTrail is not available to this build, so
/// <see cref="CloudTrailLookupClient"/> calls the JSON 1.1 API over HttpClient with its own SigV4 signer;
/// the official client can replace it behind this interface.
/// </summary>
public interface ICloudTrailEventSource
{
    /// <summary>One page; throws <see cref="AwsApiException"/> when the call fails after its retries.</summary>
    Task<CloudTrailEventsPage> LookupEventsAsync(CloudTrailLookupRequest request, CancellationToken cancellationToken);
}

/// <summary>The parameters of one LookupEvents call (one lookup attribute per call: the API allows no more).</summary>
public sealed class CloudTrailLookupRequest
{
    public CloudTrailLookupRequest(string region)
    {
        Region = region;
    }

    public string Region { get; }

    /// <summary>LookupAttributes EventName; null for none.</summary>
    public string? EventName { get; set; }

    /// <summary>LookupAttributes ReadOnly (false: write events only); null for none. Ignored when <see cref="EventName"/> is set.</summary>
    public bool? ReadOnly { get; set; }

    public DateTime? StartTime { get; set; }
    public DateTime? EndTime { get; set; }

    /// <summary>1 to 50 (the API's maximum and default).</summary>
    public int MaxResults { get; set; } = 50;

    public string? NextToken { get; set; }
}

/// <summary>A LookupEvents response as it came: <c>{"Events":[...],"NextToken":"..."}</c>.</summary>
public sealed class CloudTrailEventsPage
{
    public CloudTrailEventsPage(byte[] body, string? nextToken)
    {
        Body = body;
        NextToken = nextToken;
    }

    /// <summary>The response body (at most 50 events), read by the same reader as exported LookupEvents output.</summary>
    public byte[] Body { get; }

    /// <summary>The token of the next page; null on the last.</summary>
    public string? NextToken { get; }
}

/// <summary>An AWS call that failed after its retries. The message names the operation and the error code, never a credential.</summary>
public sealed class AwsApiException : Exception
{
    public AwsApiException(string operation, int statusCode, string? errorCode, string message, Exception? inner = null)
        : base(message, inner)
    {
        Operation = operation;
        StatusCode = statusCode;
        ErrorCode = errorCode;
    }

    public string Operation { get; }

    /// <summary>The HTTP status; 0 when no response arrived (network, timeout).</summary>
    public int StatusCode { get; }

    /// <summary>The service's error code (ThrottlingException, AccessDeniedException, ExpiredTokenException, ...).</summary>
    public string? ErrorCode { get; }

    public bool IsAccessDenied => AwsErrorCodes.IsAccessDenied(ErrorCode, StatusCode);

    public bool IsCredentialError => AwsErrorCodes.IsCredentialError(ErrorCode);
}
