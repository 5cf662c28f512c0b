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
}
