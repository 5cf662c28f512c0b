namespace TransferDetect.Engine.Model;

/// <summary>How urgently a finding needs a responder, lowest first.</summary>
public enum Severity
{
    Informational,
    Low,
    Medium,
    High,
    Critical,
}
