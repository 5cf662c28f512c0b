using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Detection;

/// <summary>M365 grantees against the zone.</summary>
internal static class M365Judge
{
    public static Judgement Judge(ShareEvent e, TrustZone zone) => new(Verdict.Unknown);
}
