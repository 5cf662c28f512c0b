namespace TransferDetect.Engine.Model;

/// <summary>Whether a recorded change grants access, takes it away, or shows a grantee using it.</summary>
public enum ShareAction
{
    /// <summary>Access granted (or a guardrail against it removed).</summary>
    Add,

    /// <summary>Access revoked (or a guardrail restored).</summary>
    Remove,

    /// <summary>The grantee used a share: a shared snapshot copied, a volume created from it, an anonymous link opened.</summary>
    Use,

    /// <summary>
    /// The resource was created (a snapshot, image or copy): a lifecycle event, read only when asked
    /// (ShareLogReaderOptions.IncludeLifecycle) so that correlation can tell a snapshot made to be shared; never a finding.
    /// </summary>
    Create,
}
