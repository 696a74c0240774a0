#pragma once
// A contact sheet: the sampled frames of a FaceClip tiled in a grid with what the pipeline saw
// drawn on them, so a person can check the detector and tracker at a glance.
//
//   FaceExtractOptions opt; opt.keep_sampled_frames = true;
//   FaceClip clip = extract_faces(path, detector, opt);
//   cv::imwrite("sheet.png", make_contact_sheet(clip));
//
// Colours: red = raw detections, green = tracked face box, blue = crop box; grey text = frame
// index and time. Frames where the face was interpolated get a yellow "interp." label.

#include <opencv2/core.hpp>

#include "modalities/video/face_extractor.h"

namespace dflab {

// Throws std::invalid_argument when the clip has no sampled frames (keep_sampled_frames off).
cv::Mat make_contact_sheet(const FaceClip& clip, int columns = 4, int tile_width = 320);

}  // namespace dflab
