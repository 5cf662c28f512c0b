using System.Globalization;
using System.Text;

namespace TransferDetect.Engine.Hosting;

/// <summary>A problem with one input file or record. Reported, then reading goes on.</summary>
public sealed class ReadIssue
{
    public ReadIssue(ReadIssueKind kind, string file, string message, long? line = null, long? offset = null, long? record = null)
    {
        Kind = kind;
        File = file;
        Detail = message;
        Line = line;
        Offset = offset;
        Record = record;
    }

    public ReadIssueKind Kind { get; }
    public string File { get; }
    public long? Line { get; }
    public long? Offset { get; }
    public long? Record { get; }

    /// <summary>What is wrong, without the place.</summary>
    public string Detail { get; }

    /// <summary>A stable id, for example <c>TransferDetect.Truncated</c>.</summary>
    public string ErrorId => "TransferDetect." + Kind;

    /// <summary>The place and the problem in one sentence a responder can act on.</summary>
    public string Message
    {
        get
        {
            var sb = new StringBuilder(File);
            if (Line is long l)
            {
                sb.Append(':').Append(l.ToString(CultureInfo.InvariantCulture));
            }
            var extra = new StringBuilder();
            if (Record is long r) extra.Append("record ").Append(r.ToString(CultureInfo.InvariantCulture));
            if (Offset is long o)
            {
                if (extra.Length > 0) extra.Append(", ");
                extra.Append("offset ").Append(o.ToString(CultureInfo.InvariantCulture));
            }
            if (extra.Length > 0) sb.Append(" (").Append(extra).Append(')');
            sb.Append(": ").Append(Detail);
            return sb.ToString();
        }
    }

    public override string ToString() => Message;
}
