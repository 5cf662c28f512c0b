using System;

namespace TransferDetect.Engine.Live.Azure;

/// <summary>
/// A live Azure or Microsoft 365 source cannot run at all: no credential, a credential the service
/// refuses, a subscription that cannot be read. The message says what to do and never holds a token
/// or secret. Failures in the middle of a read are not thrown: they are reported and what was read is kept.
/// </summary>
public sealed class AzureLiveException : Exception
{
    public AzureLiveException(string message, int status = 0, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
    }

    /// <summary>The HTTP status the service answered, 0 when no answer came (sign-in failed, network).</summary>
    public int Status { get; }
}
