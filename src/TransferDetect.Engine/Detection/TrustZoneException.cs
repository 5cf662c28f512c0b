using System;

namespace TransferDetect.Engine.Detection;

/// <summary>The trust zone cannot be used: the file is missing, not JSON, or names something invalid.</summary>
public sealed class TrustZoneException : Exception
{
    public TrustZoneException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
