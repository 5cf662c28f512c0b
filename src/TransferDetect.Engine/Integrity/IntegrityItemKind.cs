namespace TransferDetect.Engine.Integrity;

/// <summary>What an integrity result is about.</summary>
public enum IntegrityItemKind
{
    /// <summary>A CloudTrail log file (AWSLogs/.../CloudTrail/...).</summary>
    LogFile,
    /// <summary>A CloudTrail digest file (AWSLogs/.../CloudTrail-Digest/...).</summary>
    Digest,
}
