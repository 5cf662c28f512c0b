using System;

namespace TransferDetect.Engine.Live.Aws;

/// <summary>
/// The SDKs' standard endpoint settings, read the way the AWS SDKs read them: <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>,
/// then <c>AWS_ENDPOINT_URL</c>, then the profile's <c>endpoint_url</c>; none of them when
/// <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS</c> is true. Without any, the service's regional endpoint. Nothing
/// else is ever hard-coded, so the module runs against LocalStack-style emulators as the SDKs do.
/// </summary>
internal static class AwsEndpoints
{
    /// <summary>The configured endpoint for a service (its env suffix: CLOUDTRAIL, EC2, S3, STS), or null.</summary>
    public static Uri? Configured(string serviceEnvSuffix, Func<string, string?> environment, string? profileEndpointUrl, bool? profileIgnores)
    {
        string? ignore = environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
        if (string.Equals(ignore?.Trim(), "true", StringComparison.OrdinalIgnoreCase)) return null;
        if (ignore == null && profileIgnores == true) return null;
        foreach (var text in new[] { environment("AWS_ENDPOINT_URL_" + serviceEnvSuffix), environment("AWS_ENDPOINT_URL"), profileEndpointUrl })
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (Uri.TryCreate(text!.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            {
                return uri;
            }
            throw new LiveSourceException("TransferDetect.InvalidEndpoint", $"The configured AWS endpoint '{text}' (AWS_ENDPOINT_URL{(text == environment("AWS_ENDPOINT_URL_" + serviceEnvSuffix) ? "_" + serviceEnvSuffix : "")} or the profile's endpoint_url) is not an http or https URL.");
        }
        return null;
    }

    /// <summary>CloudTrail's regional endpoint: https://cloudtrail.&lt;region&gt;.amazonaws.com (.com.cn in China).</summary>
    public static Uri CloudTrail(string region) =>
        new($"https://cloudtrail.{region}.{(region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com")}/");
}
