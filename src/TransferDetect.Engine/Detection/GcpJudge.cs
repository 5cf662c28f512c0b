using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Detection;

/// <summary>Gcp grantees against the zone.</summary>
internal static class GcpJudge
{
    public static Judgement Judge(ShareEvent e, TrustZone zone) => new(Verdict.Unknown);
}
