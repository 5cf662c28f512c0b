using System;

namespace TransferDetect.Engine.Live;

/// <summary>
/// A live source cannot go on at all (provider-neutral): no credentials, expired credentials, no region.
/// The message says what to do and never holds a secret. <see cref="ErrorId"/> is stable for PowerShell.
/// </summary>
public sealed class LiveSourceException : Exception
{
    public LiveSourceException(string errorId, string message, Exception? inner = null) : base(message, inner)
    {
        ErrorId = errorId;
    }

    /// <summary>TransferDetect.CredentialsExpired, TransferDetect.NoCredentials, TransferDetect.NoRegion, ...</summary>
    public string ErrorId { get; }
}
