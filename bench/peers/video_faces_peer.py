#!/usr/bin/python3
"""Peer of bench/video_faces_bench.cpp: the usual python3-opencv notebook code.

16 frames spread uniformly over the clip (np.linspace over the frame count, as the DFDC kernels
did), read with cv2.VideoCapture grab()/retrieve(), Haar cascade on a grey copy downscaled to a
longer side of 640 (INTER_AREA), detectMultiScale(1.1, 5, 0, (30, 30)), square crop of the largest
face with margin 1.3 (black padding), resized to 224.

    /usr/bin/python3 bench/peers/video_faces_peer.py CLIP [--repeat N]
    /usr/bin/python3 bench/peers/video_faces_peer.py CLIP --workers W [--videos 8]

Prints one JSON object: median wall and process-CPU seconds per video for decode-only and for
the whole pipeline.
"""
import argparse
import json
import statistics
import time

import cv2
import numpy as np

CASCADE = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"
N_FRAMES = 16
MAX_SIDE = 640
MARGIN = 1.3
SIZE = 224


def read_uniform(path, n=N_FRAMES):
    """grab() every frame, retrieve() the selected ones (decode all, convert only those)."""
    cap = cv2.VideoCapture(path)
    count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    wanted = set(np.linspace(0, count - 1, n).astype(int).tolist())
    frames = []
    for i in range(count):
        if not cap.grab():
            break
        if i in wanted:
            ok, frame = cap.retrieve()
            if ok:
                frames.append(frame)
        if i >= max(wanted):
            break
    cap.release()
    return frames


def crop_square(frame, box, margin=MARGIN, size=SIZE):
    x, y, w, h = box
    side = margin * max(w, h)
    cx, cy = x + w / 2, y + h / 2
    x0, y0 = int(round(cx - side / 2)), int(round(cy - side / 2))
    s = max(1, int(round(side)))
    H, W = frame.shape[:2]
    pad = cv2.copyMakeBorder(frame, max(0, -y0), max(0, y0 + s - H), max(0, -x0), max(0, x0 + s - W),
                             cv2.BORDER_CONSTANT, value=0)
    region = pad[max(0, y0):max(0, y0) + s, max(0, x0):max(0, x0) + s]
    return cv2.resize(region, (size, size), interpolation=cv2.INTER_AREA if s > size else cv2.INTER_LINEAR)


def faces(path, cascade):
    crops, n_detected = [], 0
    for frame in read_uniform(path):
        h, w = frame.shape[:2]
        scale = min(1.0, MAX_SIDE / max(h, w))
        small = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else frame
        gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        boxes = cascade.detectMultiScale(gray, 1.1, 5, 0, (30, 30))
        if len(boxes):
            n_detected += 1
            x, y, bw, bh = max(boxes, key=lambda b: b[2] * b[3]) / scale
            crops.append(crop_square(frame, (x, y, bw, bh)))
        else:
            side = min(h, w)
            crops.append(crop_square(frame, ((w - side) / 2, (h - side) / 2, side, side), margin=1.0))
    return crops, n_detected


def median_time(fn, repeat):
    """Median wall and process-CPU (all threads) seconds of one call."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


_worker_cascade = None


def _worker_faces(path):
    global _worker_cascade
    if _worker_cascade is None:
        _worker_cascade = cv2.CascadeClassifier(CASCADE)
    return faces(path, _worker_cascade)[1]


def throughput(clip, workers, videos):
    """Wall-clock videos/s of `videos` copies of the clip over a pool of `workers` processes (the
    usual multiprocessing notebook code), the peer of video_faces_bench's BM_FacesHaarParallel."""
    import multiprocessing
    with multiprocessing.Pool(workers) as pool:
        pool.map(_worker_faces, [clip] * workers)          # warm: start processes, load cascades
        t0 = time.perf_counter()
        detected = pool.map(_worker_faces, [clip] * videos, chunksize=1)
        wall = time.perf_counter() - t0
    return {"clip": clip, "workers": workers, "videos": videos, "batch_s": wall,
            "videos_per_s": videos / wall, "detected": detected}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("clip")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workers", type=int, default=0, help="throughput mode: pool of W processes")
    ap.add_argument("--videos", type=int, default=8, help="throughput mode: videos per batch")
    args = ap.parse_args()
    if args.workers > 0:
        print(json.dumps(throughput(args.clip, args.workers, args.videos)))
        return
    cascade = cv2.CascadeClassifier(CASCADE)
    n = len(read_uniform(args.clip))
    crops, n_detected = faces(args.clip, cascade)
    out = {
        "clip": args.clip,
        "opencv": cv2.__version__,
        "cv_threads": cv2.getNumThreads(),
        "frames": n,
        "detected": n_detected,
    }
    out["decode_s"], out["decode_cpu_s"] = median_time(lambda: read_uniform(args.clip), args.repeat)
    out["faces_s"], out["faces_cpu_s"] = median_time(lambda: faces(args.clip, cascade), args.repeat)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
