using System.Collections.Generic;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Integrity;

/// <summary>What <see cref="CloudTrailDigestValidator"/> checks.</summary>
public sealed class CloudTrailIntegrityOptions
{
    /// <summary>
    /// Only digests that end in the window (or up to an hour after it: a digest covers the hour before
    /// its end), the log files they list, and log files on disk delivered in the window.
    /// </summary>
    public TimeWindow Window { get; set; } = TimeWindow.All;

    /// <summary>The public keys to verify digest signatures with; none: signatures are not checked.</summary>
    public IReadOnlyList<CloudTrailPublicKey> PublicKeys { get; set; } = new CloudTrailPublicKey[0];
}
