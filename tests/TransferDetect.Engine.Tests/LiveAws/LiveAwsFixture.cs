using Amazon.Runtime;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Live;
using TransferDetect.Engine.Live.Aws;

namespace TransferDetect.Engine.Tests.LiveAws;

/// <summary>Options that point every live AWS client at one fake, with static test credentials and fast retries.</summary>
internal static class LiveAwsFixture
{
    public const string AccessKey = "AKIDFAKE00000000TEST";
    public const string SecretKey = "fake/secret/never+printed/0000000000000000";
    public const string SessionToken = "FAKESESSIONTOKEN//never-printed";

    public static AwsLiveOptions Options(FakeAwsServer server, params string[] regions)
    {
        var options = new AwsLiveOptions
        {
            Regions = regions.Length == 0 ? null : regions,
            Credentials = new SessionAWSCredentials(AccessKey, SecretKey, SessionToken),
            Retry = new LiveRetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromSeconds(2) },
            LookupEventsPerSecond = 1000,
            Environment = _ => null,
        };
        foreach (var service in new[] { "CLOUDTRAIL", "EC2", "S3", "STS" }) options.Endpoints[service] = server.Url;
        return options;
    }

    public static string AllText(CollectingScanHost host, Exception? e = null) =>
        string.Join("\n", host.Issues.Select(i => i.Message).Concat(host.VerboseMessages).Append(e?.ToString() ?? ""));
}
