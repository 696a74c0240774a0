// dflab.video.faces(path, detector="haar", frames=16, ...) -> list of dicts, one per crop: the crops
// `dflab video faces` writes as PNGs (as numpy BGR arrays) with the fields of its faces.json. Same
// FaceExtractRequest, same extract_faces call.
#include <memory>

#include <pybind11/numpy.h>

#include "modalities/video/face_extractor.h"
#include "python/bindings.h"

namespace dflab::python {

namespace {

// An array viewing the Mat's pixels; it holds a reference to them (cv::Mat is reference counted).
py::array mat_array(const cv::Mat& image) {
  auto* mat = new cv::Mat(image.isContinuous() ? image : image.clone());
  py::capsule owner(mat, [](void* p) { delete static_cast<cv::Mat*>(p); });
  const py::ssize_t h = mat->rows, w = mat->cols, c = mat->channels();
  if (mat->depth() != CV_8U) throw std::runtime_error("video.faces: crop is not 8-bit");
  if (c == 1) return py::array_t<std::uint8_t>({h, w}, {w, py::ssize_t{1}}, mat->data, owner);
  return py::array_t<std::uint8_t>({h, w, c}, {w * c, c, py::ssize_t{1}}, mat->data, owner);
}

py::tuple box_tuple(const cv::Rect2f& r) { return py::make_tuple(r.x, r.y, r.width, r.height); }

py::list video_faces(const std::string& path, const std::string& detector_name, const FaceExtractRequest& a) {
  FaceExtractOptions opt = a.options();   // std::invalid_argument → ValueError, the CLI's usage message

  const Registry& reg = shared_registry();
  reg.info(kind::face_detector, detector_name);   // unknown: the registry's message, as the CLI's
  auto detector = reg.create<FaceDetector>(kind::face_detector, detector_name,
                                           reg.defaults(kind::face_detector, detector_name));
  FaceClip clip;
  {
    py::gil_scoped_release no_gil;   // decoding, detection, tracking, cropping
    std::unique_ptr<LandmarkAligner> aligner;
    if (a.align) {
      aligner = std::make_unique<LandmarkAligner>();   // throws naming the model file when missing
      opt.aligner = aligner.get();
    }
    clip = extract_faces(path, *detector, opt);
  }
  if (clip.status == ClipStatus::failed || clip.status == ClipStatus::no_video) raise_unreadable(path, clip.message);
  if (!clip.message.empty() && PyErr_WarnEx(PyExc_RuntimeWarning, clip.message.c_str(), 1) != 0)
    throw py::error_already_set();   // no face found, or a file that broke part way

  py::list out;
  for (std::size_t i = 0; i < clip.frames.size(); ++i) {
    py::array_t<float> landmarks({static_cast<py::ssize_t>(clip.landmarks[i].size()), py::ssize_t{2}});
    auto l = landmarks.mutable_unchecked<2>();
    for (std::size_t k = 0; k < clip.landmarks[i].size(); ++k) {
      l(k, 0) = clip.landmarks[i][k].x;
      l(k, 1) = clip.landmarks[i][k].y;
    }
    py::dict d;
    d["index"] = clip.frame_indices[i];
    d["t"] = clip.timestamps_s[i];
    d["crop"] = mat_array(clip.frames[i]);
    d["crop_box"] = box_tuple(clip.crop_boxes[i]);
    d["face_box"] = box_tuple(clip.face_boxes[i]);
    d["detected"] = clip.detected[i] != 0;
    d["landmarks"] = landmarks;
    d["status"] = to_string(clip.status);
    out.append(d);
  }
  return out;
}

}  // namespace

void add_video(py::module_& m) {
  py::module_ video = m.def_submodule("video", "Face crops of videos");
  video.def(
      "faces",
      [](const std::string& path, const std::string& detector, int frames, const std::string& strategy, double rate,
         int every, int size, float margin, int max_side, int roi_every, bool fixed_box, bool align,
         const std::string& no_face, const std::string& decode) {
        FaceExtractRequest o{strategy, frames, rate, every, size, margin, max_side, roi_every, fixed_box, align, no_face, decode};
        return video_faces(path, detector, o);
      },
      py::arg("path"), py::arg("detector") = "haar", py::arg("frames") = 16, py::kw_only(),
      py::arg("strategy") = "uniform", py::arg("rate") = 15.0, py::arg("every") = 1, py::arg("size") = 224,
      py::arg("margin") = 1.3f, py::arg("max_side") = 640, py::arg("roi_every") = 0, py::arg("fixed_box") = false,
      py::arg("align") = false, py::arg("no_face") = "centre_crop", py::arg("decode") = "auto",
      R"(Sampled frames -> face detector -> tracker -> square crops of the main face.

The options are `dflab video faces`' (same names, same defaults). Returns one dict per crop, in time
order: index (frame number), t (seconds), crop (uint8 array [size, size, 3], BGR as OpenCV and the
CLI's crop_NNN.png), crop_box and face_box ((x, y, w, h) in frame pixels), detected (False where
the box was interpolated or the centre crop stands in), landmarks (float32 [n, 2], crop pixels),
status (ok, partial, no_face). No face: centre crops with a RuntimeWarning (no_face="centre_crop"),
or [] with no_face="mark". Raises ValueError for an unknown detector or bad option,
FileNotFoundError for a missing file, RuntimeError for an unreadable one. Runs without the GIL.)");
}

}  // namespace dflab::python
