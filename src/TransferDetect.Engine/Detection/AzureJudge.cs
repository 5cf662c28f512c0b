using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Detection;

/// <summary>Azure grantees against the zone.</summary>
internal static class AzureJudge
{
    public static Judgement Judge(ShareEvent e, TrustZone zone) => new(Verdict.Unknown);
}
