namespace TransferDetect.Engine.Live.Aws;

/// <summary>Credential errors end a live read: every later call would fail the same way. The message holds no secret.</summary>
internal static class AwsCredentialErrors
{
    public static LiveSourceException Fatal(AwsApiException e) => AwsErrorCodes.IsExpired(e.ErrorCode)
        ? new LiveSourceException("TransferDetect.CredentialsExpired",
            $"The AWS credentials have expired ({e.ErrorCode}, from {e.Operation}). Renew them (aws sso login, a new session token, or refresh the profile) and run the command again; what was read before is kept.", e)
        : new LiveSourceException("TransferDetect.InvalidCredentials",
            $"AWS refused the credentials ({e.ErrorCode}, from {e.Operation}): the access key is unknown or the signature does not match. Check the profile or the AWS_* environment variables.", e);
}
