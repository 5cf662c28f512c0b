namespace TransferDetect.Engine.Model;

/// <summary>Whether a recorded change grants access or takes it away.</summary>
public enum ShareAction
{
    Add,
    Remove,
}
