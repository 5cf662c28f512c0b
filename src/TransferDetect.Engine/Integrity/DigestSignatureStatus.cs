namespace TransferDetect.Engine.Integrity;

/// <summary>The SHA256withRSA signature of a digest.</summary>
public enum DigestSignatureStatus
{
    /// <summary>The signature verifies with the public key whose fingerprint the digest names.</summary>
    Valid,
    /// <summary>The signature does not verify: the digest (or the signature) was changed, or it was never signed by CloudTrail.</summary>
    Invalid,
    /// <summary>Not checked: no public key was supplied, or no signature is available offline.</summary>
    NotChecked,
    /// <summary>The digest's digestPublicKeyFingerprint is not among the supplied public keys.</summary>
    KeyNotFound,
}
