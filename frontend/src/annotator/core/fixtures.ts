/** Schemas and results shared by the tests, copied from tests/labeling/test_schemas.py. */

import { parseLabelSchema } from "./schema";

export const IMAGE_SCHEMA_JSON = {
  controls: [
    {
      name: "category",
      type: "class",
      labels: [
        { name: "cat", color: "#E6194B", hotkey: "1" },
        { name: "dog", color: "#3cb44b", hotkey: "2" },
      ],
    },
    { name: "tags", type: "class", multiple: true, labels: [{ name: "blurry" }, { name: "dark" }, { name: "cropped" }] },
    { name: "objects", type: "bbox", labels: [{ name: "car", hotkey: "c" }, { name: "person" }, { name: "bike" }] },
    { name: "outline", type: "polygon", labels: [{ name: "road" }, { name: "lane" }] },
    { name: "joints", type: "keypoint", labels: [{ name: "nose" }, { name: "eye" }] },
  ],
};

export const TEXT_SCHEMA_JSON = {
  controls: [
    { name: "sentiment", type: "class", required: true, labels: [{ name: "pos" }] },
    { name: "entities", type: "span", labels: [{ name: "PER" }, { name: "LOC" }] },
  ],
};

/** labeling/demo.py IMAGE_SCHEMA. */
export const DEMO_IMAGE_SCHEMA_JSON = {
  controls: [
    {
      name: "objects",
      type: "bbox",
      labels: [
        { name: "car", color: "#e6194b", hotkey: "1" },
        { name: "person", color: "#3cb44b", hotkey: "2" },
        { name: "bike", color: "#4363d8", hotkey: "3" },
      ],
    },
    {
      name: "time_of_day",
      type: "class",
      labels: [
        { name: "day", color: "#f58231", hotkey: "d" },
        { name: "night", color: "#911eb4", hotkey: "n" },
      ],
    },
  ],
};

export const imageSchema = () => parseLabelSchema(IMAGE_SCHEMA_JSON, "image");
export const textSchema = () => parseLabelSchema(TEXT_SCHEMA_JSON, "text");
export const demoImageSchema = () => parseLabelSchema(DEMO_IMAGE_SCHEMA_JSON, "image");

export const BOX = { x: 10, y: 20, w: 30.5, h: 40 };
export const TRIANGLE: [number, number][] = [
  [0, 0],
  [10, 0],
  [10, 10],
];

export const FULL_RESULT = [
  { control: "category", type: "class", labels: ["cat"] },
  { control: "objects", type: "bbox", label: "car", bbox: BOX },
  { control: "outline", type: "polygon", label: "road", points: TRIANGLE },
  { control: "joints", type: "keypoint", label: "nose", point: { x: 5, y: 6 } },
  { id: "r1", score: 0.9, control: "tags", type: "class", labels: ["cropped", "blurry"] },
];

/** `check(FULL_RESULT)` in test_a_valid_result_is_returned_in_canonical_form, key order included. */
export const CANONICAL_FULL_RESULT = [
  { control: "category", type: "class", labels: ["cat"] },
  { control: "objects", type: "bbox", label: "car", bbox: BOX },
  { control: "outline", type: "polygon", label: "road", points: TRIANGLE },
  { control: "joints", type: "keypoint", label: "nose", point: { x: 5, y: 6 }, visible: true },
  { control: "tags", type: "class", id: "r1", score: 0.9, labels: ["blurry", "cropped"] },
];
