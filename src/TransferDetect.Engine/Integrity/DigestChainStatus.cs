namespace TransferDetect.Engine.Integrity;

/// <summary>The link of a digest to the digest before it (previousDigestS3Object and previousDigestHashValue).</summary>
public enum DigestChainStatus
{
    /// <summary>The previous digest is on disk and its SHA-256 is the one this digest records.</summary>
    Valid,
    /// <summary>The previous-digest fields are null: the first digest after log file validation (or logging) started.</summary>
    ChainStart,
    /// <summary>The previous digest was changed (its hash differs) or is missing while older digests are present.</summary>
    ChainBroken,
    /// <summary>The previous digest is not in the files given (the oldest digest here): the link was not checked.</summary>
    NotChecked,
}
