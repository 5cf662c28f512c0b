using System;
using System.Linq;

namespace TransferDetect.Engine.Live.Aws;

/// <summary>How AWS error codes are handled: retried, reported per item, or fatal.</summary>
internal static class AwsErrorCodes
{
    private static readonly string[] Throttling =
    {
        "ThrottlingException", "Throttling", "ThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
        "RequestThrottled", "RequestThrottledException", "SlowDown", "ProvisionedThroughputExceededException",
    };

    private static readonly string[] Credential =
    {
        "ExpiredTokenException", "ExpiredToken", "RequestExpired", "UnrecognizedClientException", "InvalidClientTokenId",
        "InvalidAccessKeyId", "AuthFailure", "SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature",
    };

    private static readonly string[] Denied =
    {
        "AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnauthorizedAccess", "AllAccessDisabled",
    };

    public static bool IsThrottling(string? code, int status) => status == 429 || (code != null && Throttling.Contains(code, StringComparer.Ordinal));

    public static bool IsRetryable(string? code, int status) => IsThrottling(code, status) || status >= 500 || status == 0;

    public static bool IsCredentialError(string? code) => code != null && Credential.Contains(code, StringComparer.Ordinal);

    public static bool IsExpired(string? code) => code is "ExpiredTokenException" or "ExpiredToken" or "RequestExpired";

    public static bool IsAccessDenied(string? code, int status) =>
        (code != null && Denied.Contains(code, StringComparer.Ordinal)) || (status == 403 && !IsCredentialError(code));
}
