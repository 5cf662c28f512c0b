using System.Management.Automation.Host;

namespace TransferDetect.Host;

/// <summary>A fixed-width virtual screen, so tables are laid out the same on every machine.</summary>
internal sealed class HeadlessRawUserInterface : PSHostRawUserInterface
{
    private Size _buffer;

    public HeadlessRawUserInterface(int width)
    {
        _buffer = new Size(width, 3000);
        WindowSize = new Size(width, 50);
    }

    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override Size BufferSize { get => _buffer; set => _buffer = value; }
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; }
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize => WindowSize;
    public override Size MaxWindowSize => WindowSize;
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get; set; }
    public override string WindowTitle { get; set; } = "TransferDetect";

    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("The headless host cannot read keys.");
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}
