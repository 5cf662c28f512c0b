namespace TransferDetect.Engine.Model;

/// <summary>The cloud whose log recorded a share.</summary>
public enum Provider
{
    Aws,
    Azure,
    M365,
    Gcp,
}
