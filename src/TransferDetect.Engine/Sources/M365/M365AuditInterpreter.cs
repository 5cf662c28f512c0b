using System;
using System.Collections.Generic;
using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.M365;

/// <summary>Microsoft 365 audit log records into share events.</summary>
internal sealed class M365AuditInterpreter : ShareInterpreter
{
    public M365AuditInterpreter(ISet<ShareCategory>? categories)
        : base(categories)
    {
    }

    public override Provider Provider => Provider.M365;

    public override string FormatName => "Microsoft 365 audit log";

    public override IReadOnlyList<string> Operations { get; } = Array.Empty<string>();

    public override RecordClaim Claim(ReadOnlySpan<byte> json) =>
        json.IndexOf("\"Workload\""u8) >= 0 ? RecordClaim.Candidate : RecordClaim.NotMine;

    public override bool Recognizes(JsonElement record) => record.Prop("Workload").ValueKind != JsonValueKind.Undefined;

    public override void Interpret(JsonElement record, RecordContext context, List<ShareEvent> output)
    {
    }
}
