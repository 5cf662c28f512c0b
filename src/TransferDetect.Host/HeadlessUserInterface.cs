using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace TransferDetect.Host;

/// <summary>Writes the host's streams as text: output to one writer, errors, warnings and verbose to the other.</summary>
internal sealed class HeadlessUserInterface : PSHostUserInterface
{
    private const string NoPrompt = "The headless host cannot prompt: pass every input as a parameter.";
    private readonly TextWriter _out;
    private readonly TextWriter _err;

    public HeadlessUserInterface(TextWriter output, TextWriter errors, int width)
    {
        _out = output;
        _err = errors;
        RawUI = new HeadlessRawUserInterface(width);
    }

    public override PSHostRawUserInterface RawUI { get; }

    public override string ReadLine() => throw new PSInvalidOperationException(NoPrompt);
    public override SecureString ReadLineAsSecureString() => throw new PSInvalidOperationException(NoPrompt);
    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new PSInvalidOperationException(NoPrompt);
    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw new PSInvalidOperationException(NoPrompt);
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new PSInvalidOperationException(NoPrompt);
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new PSInvalidOperationException(NoPrompt);

    public override void Write(string value) => _out.Write(value);
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => _out.Write(value);
    public override void WriteLine(string value) => _out.WriteLine(value);
    public override void WriteErrorLine(string value) => _err.WriteLine(value);
    public override void WriteDebugLine(string message) => _err.WriteLine("DEBUG: " + message);
    public override void WriteVerboseLine(string message) => _err.WriteLine("VERBOSE: " + message);
    public override void WriteWarningLine(string message) => _err.WriteLine("WARNING: " + message);
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override void WriteInformation(InformationRecord record) { }
}
