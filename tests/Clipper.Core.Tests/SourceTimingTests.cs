using Clipper.Core.Media;

namespace Clipper.Core.Tests;

/// <summary>The source's time base: ffprobe's JSON read into start times, rotation, field order, frame rates and audio layout.</summary>
[Trait("Category", "unit")]
public sealed class SourceTimingTests
{
    /// <summary>ffprobe 5.1's answer for an MPEG-TS written by ffmpeg (its clock starts at 1.4 s), trimmed of its programs list.</summary>
    private const string TransportStream = """
        {
            "streams": [
                { "codec_type": "video", "field_order": "progressive", "r_frame_rate": "25/1", "avg_frame_rate": "25/1",
                  "start_time": "1.464000", "disposition": { "attached_pic": 0 } },
                { "codec_type": "audio", "sample_rate": "16000", "channels": 1, "channel_layout": "mono",
                  "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "start_time": "1.400000", "tags": { } }
            ],
            "format": { "start_time": "1.400000" }
        }
        """;

    [Fact]
    public void AnMpegTsStartsWhereItsClockStarts()
    {
        var t = SourceTiming.Parse(TransportStream);

        Assert.Equal(1.4, t.StartSeconds, 6);
        Assert.Equal(1.464, t.VideoStartSeconds, 6);
        Assert.Equal(1.4, t.AudioStartSeconds, 6);
        Assert.Equal(0, t.AudioDelaySeconds, 6);
        Assert.Equal((16000, 1, "mono"), (t.SampleRate, t.Channels, t.ChannelLayout));
        Assert.False(t.Interlaced);
        Assert.False(t.VariableFrameRate);
        Assert.Equal(0, t.Rotation);
    }

    [Fact]
    public void PresentationTimeIsCountedFromTheContainersStart()
    {
        var t = SourceTiming.Parse(TransportStream);

        // a clip planned at 29.31 s of the talk is the stream's timestamp 30.71 s, and back
        Assert.Equal(30.71, t.ToStream(29.31), 9);
        Assert.Equal(29.31, t.FromStream(30.71), 9);
        Assert.Equal(0.04, t.FrameSeconds, 9);
        // the clip: 15.14 s is 379 frames at 25 fps; the 1.3 s it overran by is 33 of them
        Assert.Equal(379, t.Frames(15.14));
        Assert.Equal(33, t.Frames(16.44 - 15.14));
    }

    [Fact]
    public void SoundThatStartsAfterThePictureIsLate()
    {
        var t = SourceTiming.Parse("""
            { "streams": [ { "codec_type": "video", "start_time": "0.000000", "r_frame_rate": "30000/1001", "avg_frame_rate": "30000/1001" },
                           { "codec_type": "audio", "start_time": "0.500000", "sample_rate": "48000", "channels": 6, "channel_layout": "5.1(side)" } ],
              "format": { "start_time": "0.000000" } }
            """);

        Assert.Equal(0.5, t.AudioDelaySeconds, 9);
        Assert.Equal(30000.0 / 1001, t.FrameRate, 9);
        Assert.Equal((6, "5.1(side)"), (t.Channels, t.ChannelLayout));
    }

    [Theory]
    [InlineData("tt", true)]
    [InlineData("bb", true)]
    [InlineData("tb", true)]
    [InlineData("bt", true)]
    [InlineData("progressive", false)]
    [InlineData("unknown", false)]
    public void InterlacingIsReadFromTheFieldOrder(string fieldOrder, bool interlaced)
    {
        var t = SourceTiming.Parse($$"""{ "streams": [ { "codec_type": "video", "field_order": "{{fieldOrder}}" } ], "format": { } }""");

        Assert.Equal(interlaced, t.Interlaced);
    }

    [Fact]
    public void APhonesVariableFrameRateShowsInItsAverage()
    {
        // a phone's MP4: a 30 fps time base, frames dropped in the dark
        var t = SourceTiming.Parse("""
            { "streams": [ { "codec_type": "video", "r_frame_rate": "30/1", "avg_frame_rate": "3750/197",
                             "side_data_list": [ { "rotation": -90 } ] } ], "format": { "start_time": "0.000000" } }
            """);

        Assert.True(t.VariableFrameRate);
        Assert.Equal(197.0 / 3750, t.FrameSeconds, 9);
        Assert.Equal(270, t.Rotation);
        Assert.True(t.QuarterTurn);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(90, 90)]
    [InlineData(-90, 270)]
    [InlineData(180, 180)]
    [InlineData(-180, 180)]
    [InlineData(270, 270)]
    [InlineData(360, 0)]
    [InlineData(89.6, 90)]
    public void RotationsAreQuarterTurns(double degrees, int expected) =>
        Assert.Equal(expected, SourceTiming.NormaliseRotation(degrees));

    [Fact]
    public void TheOldRotateTagCountsWhenThereIsNoDisplayMatrix()
    {
        var t = SourceTiming.Parse("""{ "streams": [ { "codec_type": "video", "tags": { "rotate": "270" } } ], "format": { } }""");

        Assert.Equal(270, t.Rotation);
    }

    [Theory]
    [InlineData("25/1", 25)]
    [InlineData("30000/1001", 29.97002997002997)]
    [InlineData("0/0", 0)]
    [InlineData("1/0", 0)]
    [InlineData("24", 24)]
    [InlineData("", 0)]
    [InlineData("n/a", 0)]
    public void RationalsAreFrameRates(string text, double expected) =>
        Assert.Equal(expected, SourceTiming.Rational(text), 9);

    [Fact]
    public void ACoverPictureIsNotTheVideoAndAMissingStartIsTheEarliestStream()
    {
        var t = SourceTiming.Parse("""
            { "streams": [ { "codec_type": "video", "field_order": "tt", "disposition": { "attached_pic": 1 } },
                           { "codec_type": "video", "field_order": "progressive", "start_time": "2.000000" },
                           { "codec_type": "audio", "start_time": "1.500000" } ],
              "format": { } }
            """);

        Assert.False(t.Interlaced);
        Assert.Equal(1.5, t.StartSeconds, 9);
        Assert.Equal(2.0, t.VideoStartSeconds, 9);
    }

    [Fact]
    public void AnMp4WithAnOutputOffsetLastsItsStreamsNotItsEndTime()
    {
        // ffprobe 5.1 on an 8 s MP4 written with -output_ts_offset 10: the format "duration" is where it ends
        var t = SourceTiming.Parse("""
            { "streams": [ { "codec_type": "video", "start_time": "10.000000", "duration": "8.000000" },
                           { "codec_type": "audio", "start_time": "9.976009", "duration": "8.023220" } ],
              "format": { "start_time": "9.976009" } }
            """);

        Assert.Equal(8.024, t.Length(18.0), 3);
        // a TS states its length, which the streams agree with
        Assert.Equal(50.064, SourceTiming.Parse(TransportStream.Replace("\"start_time\": \"1.464000\"", "\"start_time\": \"1.464000\", \"duration\": \"50.000000\""))
            .Length(50.064), 3);
        // a file starting at 0 keeps what its container says
        Assert.Equal(30, SourceTiming.Unknown.Length(30));
    }
}
