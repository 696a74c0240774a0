// BlazeFace anchors against values worked out by hand from MediaPipe's SsdAnchorsCalculator with
// the front model options (strides 8, 16, 16, 16; 2 anchors per 16x16 cell, 6 per 8x8 cell; fixed
// size): anchor centres are (cell + 0.5) / grid side, in row-major cell order.
#include "modalities/video/detectors/blazeface.h"

#include <gtest/gtest.h>

namespace dflab {
namespace {

TEST(BlazefaceAnchors, FrontModelLayout) {
  const auto a = ssd_anchors();
  ASSERT_EQ(a.size(), 896u);
  auto expect = [&](std::size_t i, float x, float y) {
    EXPECT_FLOAT_EQ(a[i].x_center, x) << i;
    EXPECT_FLOAT_EQ(a[i].y_center, y) << i;
    EXPECT_FLOAT_EQ(a[i].width, 1.0f) << i;
    EXPECT_FLOAT_EQ(a[i].height, 1.0f) << i;
  };
  expect(0, 0.5f / 16, 0.5f / 16);
  expect(1, 0.5f / 16, 0.5f / 16);        // second anchor of the same cell
  expect(2, 1.5f / 16, 0.5f / 16);        // next cell along x
  expect(32, 0.5f / 16, 1.5f / 16);       // next row
  expect(511, 15.5f / 16, 15.5f / 16);
  expect(512, 0.5f / 8, 0.5f / 8);        // 8x8 grid starts, 6 per cell
  expect(517, 0.5f / 8, 0.5f / 8);
  expect(518, 1.5f / 8, 0.5f / 8);
  expect(895, 7.5f / 8, 7.5f / 8);
}

TEST(BlazefaceAnchors, VariableSizeScalesFollowMediapipe) {
  SsdAnchorOptions o;
  o.fixed_anchor_size = false;
  const auto a = ssd_anchors(o);
  ASSERT_EQ(a.size(), 896u);
  // layer 0: scale = min_scale; interpolated = sqrt(min_scale * scale(layer 1))
  const double s0 = 0.1484375, s1 = 0.1484375 + (0.75 - 0.1484375) / 3.0;
  EXPECT_FLOAT_EQ(a[0].width, static_cast<float>(s0));
  EXPECT_FLOAT_EQ(a[1].width, static_cast<float>(std::sqrt(s0 * s1)));
  // last layer's interpolated anchor uses scale_next = 1
  EXPECT_FLOAT_EQ(a[517].height, static_cast<float>(std::sqrt(0.75 * 1.0)));
}

}  // namespace
}  // namespace dflab
