using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;

namespace TransferDetect.Engine.Live.Aws;

/// <summary>
/// The live, read-only AWS sources of one command: credentials from the SDK's standard chain (environment,
/// profiles, SSO, container and instance roles) or a named profile, regions from the chain or the caller,
/// endpoints from the SDK's standard settings. Every call it makes is in <see cref="ReadOnlyActions"/>.
/// </summary>
public sealed class AwsLiveSession : IDisposable
{
    /// <summary>
    /// Every AWS API action the live sources call, as IAM actions: the least-privilege policy of the README.
    /// All of them read; a test fails when a live path calls anything else.
    /// </summary>
    public static IReadOnlyList<string> ReadOnlyActions { get; } = new[]
    {
        "cloudtrail:LookupEvents",
        "ec2:DescribeRegions",
        "ec2:DescribeSnapshots",
        "ec2:DescribeSnapshotAttribute",
        "ec2:DescribeImages",
        "ec2:DescribeImageAttribute",
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation",
        "s3:GetBucketPolicy",
        "s3:GetBucketAcl",
        "s3:GetReplicationConfiguration",
        "s3:ListBucket",
        "s3:GetObject",
        "sts:GetCallerIdentity",
    };

    private readonly AwsLiveOptions _options;
    private readonly IScanHost _host;
    private readonly HttpClient _http = new();
    private readonly CredentialProfile? _profile;
    private readonly AWSCredentials _credentials;
    private string? _accountId;

    /// <summary>The counts of the last log read (LookupEvents pages or trail objects), for -Verbose; null before one.</summary>
    public ScanStatistics? Statistics { get; private set; }

    /// <exception cref="LiveSourceException">The profile does not exist, or no credentials can be found.</exception>
    public AwsLiveSession(AwsLiveOptions options, IScanHost host)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _host = host ?? throw new ArgumentNullException(nameof(host));
        if (options.ProfileName != null)
        {
            var chain = new CredentialProfileStoreChain();
            if (!chain.TryGetProfile(options.ProfileName, out var profile))
            {
                throw new LiveSourceException("TransferDetect.ProfileNotFound", $"The AWS profile '{options.ProfileName}' is not in the shared config or credentials file.");
            }
            _profile = profile;
        }
        _credentials = options.Credentials ?? ResolveCredentials();
    }

    private AWSCredentials ResolveCredentials()
    {
        try
        {
            if (_profile != null)
            {
                var chain = new CredentialProfileStoreChain();
                if (chain.TryGetAWSCredentials(_profile.Name, out var fromProfile)) return fromProfile;
                throw new LiveSourceException("TransferDetect.NoCredentials", $"The AWS profile '{_profile.Name}' has no usable credentials (keys, SSO, role or process).");
            }
            return DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        }
        catch (AmazonClientException e)
        {
            throw new LiveSourceException("TransferDetect.NoCredentials",
                "No AWS credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), AWS_PROFILE or -ProfileName, sign in with aws sso login, or run where an instance or container role is available.", e);
        }
    }

    /// <summary>The regions to read: those given, every enabled one for "*", or the chain's region.</summary>
    /// <exception cref="LiveSourceException">No region is given and none is configured.</exception>
    public IReadOnlyList<string> ResolveRegions(CancellationToken cancellationToken)
    {
        var given = _options.Regions?.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).ToList();
        if (given != null && given.Contains("*"))
        {
            using var ec2 = Ec2(DefaultRegion() ?? "us-east-1");
            var response = Call("DescribeRegions", () => ec2.DescribeRegionsAsync(new DescribeRegionsRequest(), cancellationToken));
            var enabled = (response.Regions ?? new List<Region>()).Select(r => r.RegionName).Where(n => !string.IsNullOrEmpty(n)).OrderBy(n => n, StringComparer.Ordinal).ToList();
            _host.Verbose($"Regions enabled in the account: {string.Join(", ", enabled)}.");
            return enabled;
        }
        if (given != null && given.Count > 0) return given.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var region = DefaultRegion();
        if (region == null)
        {
            throw new LiveSourceException("TransferDetect.NoRegion",
                "No AWS region was given and none is configured: use -Region (a name, several, or * for every enabled region), or set AWS_REGION or the profile's region.");
        }
        return new[] { region };
    }

    private string? DefaultRegion()
    {
        if (_profile?.Region != null) return _profile.Region.SystemName;
        string? env = _options.Environment("AWS_REGION") ?? _options.Environment("AWS_DEFAULT_REGION");
        if (!string.IsNullOrWhiteSpace(env)) return env!.Trim();
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }

    /// <summary>The account the credentials belong to (STS GetCallerIdentity), or null when it cannot be read.</summary>
    public string? AccountId(CancellationToken cancellationToken)
    {
        if (_accountId != null) return _accountId;
        var region = DefaultRegion() ?? "us-east-1";
        var config = new AmazonSecurityTokenServiceConfig();
        Configure(config, "STS", region);
        using var sts = new AmazonSecurityTokenServiceClient(_credentials, config);
        _accountId = Call("GetCallerIdentity", () => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken)).Account;
        return _accountId;
    }

    /// <summary>A warning when the window starts more than 90 days ago (what LookupEvents keeps), or null.</summary>
    public static string? LookupEventsRetentionWarning(TimeWindow window, DateTime utcNow) => CloudTrailLookupReader.RetentionWarning(window, utcNow);

    /// <summary>The share events of CloudTrail LookupEvents in the resolved regions.</summary>
    public IEnumerable<ShareEvent> LookupEvents(ShareLogReaderOptions readerOptions, CancellationToken cancellationToken)
    {
        var regions = ResolveRegions(cancellationToken);
        var reader = new ShareLogReader(_host, Narrowed(readerOptions));
        Statistics = reader.Statistics;
        var source = CloudTrail();
        var lookup = new CloudTrailLookupReader(source, reader, _host, readerOptions.Window) { Strategy = _options.LookupStrategy };
        // Retry messages come from the regions' threads: they wait in the reader until the caller's thread passes them on.
        if (source is CloudTrailLookupClient client) client.Log = lookup.Pending.Enqueue;
        var names = CloudTrailLookupReader.EventNames(readerOptions.Categories, readerOptions.Operations);
        _host.Verbose($"CloudTrail LookupEvents in {string.Join(", ", regions)}: {(lookup.Strategy == CloudTrailLookupStrategy.PerEventName ? names.Count + " event name(s), one listing each" : "write events, filtered here")}, at most {_options.LookupEventsPerSecond} call(s) per second and region.");
        return lookup.Read(regions, names, cancellationToken);
    }

    /// <summary>The CloudTrail operations that set the grants the current state reads.</summary>
    internal static readonly string[] GrantingOperations = { "ModifySnapshotAttribute", "ModifyImageAttribute", "PutBucketPolicy", "PutBucketAcl", "PutBucketReplication" };

    /// <summary>
    /// The grants recorded by LookupEvents (the last 90 days) in the resolved regions, for linking the current
    /// state to the events that made it: one listing per granting operation and region.
    /// </summary>
    public AwsGrantIndex GrantsFromLookupEvents(ICollection<ShareCategory>? categories, CancellationToken cancellationToken)
    {
        var operations = GrantingOperations.Where(o => categories == null
            || categories.Contains(o.StartsWith("Put", StringComparison.Ordinal) ? ShareCategory.Storage : ShareCategory.Snapshot)).ToArray();
        var index = new AwsGrantIndex();
        foreach (var e in LookupEvents(new ShareLogReaderOptions { Operations = operations, Window = new TimeWindow(DateTime.UtcNow - CloudTrailLookupReader.Retention, null) }, cancellationToken))
        {
            index.Add(e);
        }
        return index;
    }

    /// <summary>
    /// What is shared now in the resolved regions: EBS snapshots and AMIs (Snapshot), S3 bucket policies, ACLs
    /// and replication (Storage; the buckets of those regions, all of them with "*"). Grants whose making event
    /// is in <paramref name="grants"/> name it.
    /// </summary>
    public IEnumerable<ShareEvent> CurrentState(ICollection<ShareCategory>? categories, AwsGrantIndex? grants, CancellationToken cancellationToken)
    {
        var regions = ResolveRegions(cancellationToken);
        bool all = _options.Regions != null && _options.Regions.Contains("*");
        string? account = null;
        try
        {
            account = AccountId(cancellationToken);
        }
        catch (AwsApiException e)
        {
            _host.Verbose($"The account id could not be read ({e.Message}); bucket grants to the account itself cannot be told from others.");
        }
        _host.Verbose($"Current sharing state of account {account ?? "(unknown)"} in {string.Join(", ", regions)}{(grants != null ? $", linked to {grants.Count} recorded grant(s)" : "")}.");
        var reader = new AwsCurrentStateReader(this, _host, grants, account, DateTime.UtcNow);
        return reader.Read(regions, categories, all, cancellationToken);
    }

    /// <summary>
    /// CloudTrail log files straight from a trail's bucket (an organization trail's accounts too), the delivery
    /// days of the window, the regions of <see cref="ShareLogReaderOptions.Regions"/> (null: all); copies kept in
    /// <paramref name="destination"/> when given.
    /// </summary>
    public IEnumerable<ShareEvent> TrailBucket(string bucket, string? prefix, string? destination, ShareLogReaderOptions readerOptions, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(bucket)) throw new ArgumentException("A bucket name is needed.", nameof(bucket));
        string home = DefaultRegion() ?? "us-east-1";
        string region;
        using (var probe = S3(home))
        {
            var location = new AwsCalls(_host).TryCall("GetBucketLocation", "global", bucket, () => probe.GetBucketLocationAsync(new Amazon.S3.Model.GetBucketLocationRequest { BucketName = bucket }, cancellationToken));
            region = location == null ? home : AwsCurrentStateReader.BucketRegion(location.Location?.Value);
        }
        _host.Verbose($"Reading CloudTrail logs from s3://{bucket}/{prefix} ({region}), {_options.MaxParallelDownloads} download(s) at once{(destination != null ? ", copies kept in " + destination : "")}.");
        var options = Narrowed(readerOptions);
        options.Regions = readerOptions.Regions;
        return ReadBucket(bucket, prefix, destination, region, options, cancellationToken);
    }

    private IEnumerable<ShareEvent> ReadBucket(string bucket, string? prefix, string? destination, string region, ShareLogReaderOptions options, CancellationToken cancellationToken)
    {
        using var s3 = S3(region);
        var logReader = new ShareLogReader(_host, options);
        Statistics = logReader.Statistics;
        var reader = new CloudTrailBucketReader(s3, logReader, options, _host, _options.MaxParallelDownloads);
        foreach (var e in reader.Read(bucket, prefix, destination, cancellationToken)) yield return e;
        _host.Verbose($"Read {reader.ObjectsRead} log object(s) from s3://{bucket}.");
    }

    /// <summary>The reader options of a live read: AWS only (the regions are those called).</summary>
    private static ShareLogReaderOptions Narrowed(ShareLogReaderOptions o) => new()
    {
        Window = o.Window,
        MaxRecordBytes = o.MaxRecordBytes,
        MaxIssuesPerFile = o.MaxIssuesPerFile,
        MaxCompressionRatio = o.MaxCompressionRatio,
        Operations = o.Operations,
        Categories = o.Categories,
        Providers = new[] { Provider.Aws },
        MaxParallelFiles = 1,
    };

    /// <summary>The LookupEvents client (SigV4 over HttpClient).</summary>
    internal ICloudTrailEventSource CloudTrail()
    {
        var client = new CloudTrailLookupClient(_http, SigningCredentials, region => Endpoint("CLOUDTRAIL") ?? AwsEndpoints.CloudTrail(region),
            _options.Retry, _options.LookupEventsPerSecond);
        client.Log = null;
        return client;
    }

    private Task<AwsSigningCredentials> SigningCredentials(CancellationToken cancellationToken)
    {
        ImmutableCredentials c;
        try
        {
            c = _credentials.GetCredentials();
        }
        catch (AmazonClientException e)
        {
            throw new LiveSourceException("TransferDetect.NoCredentials", "The AWS credentials could not be obtained: " + e.Message, e);
        }
        return Task.FromResult(new AwsSigningCredentials(c.AccessKey, c.SecretKey, c.Token));
    }

    /// <summary>The configured endpoint of a service (the tests', then the SDK settings), or null for the regional one.</summary>
    internal Uri? Endpoint(string serviceEnvSuffix) =>
        _options.Endpoints.TryGetValue(serviceEnvSuffix, out var given) ? given
            : AwsEndpoints.Configured(serviceEnvSuffix, _options.Environment, _profile?.EndpointUrl, _profile?.IgnoreConfiguredEndpointUrls);

    internal void Configure(ClientConfig config, string serviceEnvSuffix, string region)
    {
        var endpoint = Endpoint(serviceEnvSuffix);
        if (endpoint != null)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        config.MaxErrorRetry = Math.Max(0, _options.Retry.MaxAttempts - 1);
    }

    internal AmazonEC2Client Ec2(string region)
    {
        var config = new AmazonEC2Config();
        Configure(config, "EC2", region);
        return new AmazonEC2Client(_credentials, config);
    }

    internal AmazonS3Client S3(string region)
    {
        var config = new AmazonS3Config();
        Configure(config, "S3", region);
        // An emulator on a configured endpoint (LocalStack, a loopback fake) answers path-style requests.
        if (Endpoint("S3") != null) config.ForcePathStyle = true;
        return new AmazonS3Client(_credentials, config);
    }

    /// <summary>Runs an SDK call; an SDK error becomes <see cref="AwsApiException"/>, a credential error ends the read.</summary>
    internal static T Call<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            return call().GetAwaiter().GetResult();
        }
        catch (AmazonServiceException e)
        {
            var api = new AwsApiException(operation, (int)e.StatusCode, e.ErrorCode,
                $"{operation} failed: HTTP {(int)e.StatusCode} {e.ErrorCode}{(AwsErrorCodes.IsCredentialError(e.ErrorCode) ? "" : ": " + e.Message)}", e);
            if (api.IsCredentialError) throw AwsCredentialErrors.Fatal(api);
            throw api;
        }
        catch (AmazonClientException e)
        {
            throw new AwsApiException(operation, 0, null, $"{operation} failed: {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new AwsApiException(operation, 0, null, $"{operation} got no response: {e.Message}", e);
        }
    }

    public void Dispose() => _http.Dispose();
}
