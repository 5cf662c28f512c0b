namespace TransferDetect.Engine.Integrity;

/// <summary>What the integrity check found for one log file or one digest file.</summary>
public enum IntegrityStatus
{
    /// <summary>A log file whose SHA-256 matches its digest; a digest whose chain link and signature both check out.</summary>
    Valid,
    /// <summary>A log file whose SHA-256 differs from the one its digest records: changed after delivery.</summary>
    Modified,
    /// <summary>A log file listed in a digest, or a digest referenced by the next digest, that is not on disk.</summary>
    Missing,
    /// <summary>A log file on disk, in a period the digests cover, that no digest lists.</summary>
    NotInDigest,
    /// <summary>A log file on disk outside every period the digests found cover (no digest could list it).</summary>
    NotCovered,
    /// <summary>A file that cannot be read to its end (truncated or damaged gzip, not JSON, not a digest).</summary>
    Unreadable,
    /// <summary>A digest whose link to the previous digest fails: the previous digest was changed or is missing.</summary>
    ChainBroken,
    /// <summary>A digest stored under another S3 key than the one it records (renamed or moved).</summary>
    Moved,
    /// <summary>A digest whose RSA signature does not verify with the public key it names.</summary>
    InvalidSignature,
    /// <summary>A digest signed with a key (fingerprint) that is not among the public keys supplied.</summary>
    KeyNotFound,
    /// <summary>A digest whose chain link checks out but whose signature could not be checked (no key or no signature).</summary>
    SignatureNotChecked,
}
