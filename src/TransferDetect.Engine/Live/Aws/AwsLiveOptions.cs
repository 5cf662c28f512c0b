using System;
using System.Collections.Generic;
using Amazon.Runtime;

namespace TransferDetect.Engine.Live.Aws;

/// <summary>How the live AWS sources find credentials, regions and endpoints.</summary>
public sealed class AwsLiveOptions
{
    /// <summary>A named profile (shared config and credentials files, SSO, assume-role, process); null for the SDK's default chain.</summary>
    public string? ProfileName { get; set; }

    /// <summary>
    /// The regions to read: names, or "*" for every region enabled in the account (EC2 DescribeRegions). Null or
    /// empty: the region of the SDK's chain (AWS_REGION, AWS_DEFAULT_REGION, the profile's region, instance metadata).
    /// </summary>
    public IReadOnlyList<string>? Regions { get; set; }

    /// <summary>Retries of throttled and failed calls (CloudTrail; the SDK clients get as many attempts).</summary>
    public LiveRetryPolicy Retry { get; set; } = LiveRetryPolicy.Default;

    /// <summary>LookupEvents calls per second and region (default 2, the documented limit).</summary>
    public double LookupEventsPerSecond { get; set; } = 2;

    public CloudTrailLookupStrategy LookupStrategy { get; set; } = CloudTrailLookupStrategy.PerEventName;

    /// <summary>Objects downloaded at once from a trail bucket (default 4).</summary>
    public int MaxParallelDownloads { get; set; } = 4;

    /// <summary>Where environment variables are read (tests give their own).</summary>
    internal Func<string, string?> Environment { get; set; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Credentials given directly (tests); null: the SDK's chain or the profile.</summary>
    internal AWSCredentials? Credentials { get; set; }

    /// <summary>Endpoint per service env suffix (CLOUDTRAIL, EC2, S3, STS) given directly (tests); wins over the settings.</summary>
    internal Dictionary<string, Uri> Endpoints { get; } = new(StringComparer.OrdinalIgnoreCase);
}
