using System.IO;
using TransferDetect.Engine.Hosting;

namespace TransferDetect.Engine.IO;

/// <summary>The input stream cannot go on: truncated or damaged compression.</summary>
public sealed class InputFormatException : IOException
{
    public InputFormatException(ReadIssueKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    public ReadIssueKind Kind { get; }
}
