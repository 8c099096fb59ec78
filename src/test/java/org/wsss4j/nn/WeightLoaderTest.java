package org.wsss4j.nn;

import org.wsss4j.classifier.CamNetwork;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.BadInputException;

class WeightLoaderTest {

    /**
     * torchvision's resnet50 state_dict keys without fc.* and num_batches_tracked, written out
     * from the architecture (He et al. 2016; torchvision models/resnet.py): stem conv1/bn1, then
     * layers of [3, 4, 6, 3] bottlenecks with conv1..3/bn1..3, and downsample.0/.1 in the first
     * block of each layer. torchvision's full state_dict has 320 entries: 265 + fc.weight,
     * fc.bias + 53 num_batches_tracked.
     */
    private static List<String> torchvisionResnet50Keys() {
        List<String> keys = new ArrayList<>();
        keys.add("conv1.weight");
        addBn(keys, "bn1");
        int[] blocks = {3, 4, 6, 3};
        for (int l = 0; l < 4; l++) {
            for (int b = 0; b < blocks[l]; b++) {
                String p = "layer" + (l + 1) + "." + b + ".";
                for (int c = 1; c <= 3; c++) {
                    keys.add(p + "conv" + c + ".weight");
                    addBn(keys, p + "bn" + c);
                }
                if (b == 0) {
                    keys.add(p + "downsample.0.weight");
                    addBn(keys, p + "downsample.1");
                }
            }
        }
        return keys;
    }

    private static void addBn(List<String> keys, String bn) {
        for (String s : new String[] {"weight", "bias", "running_mean", "running_var"}) keys.add(bn + "." + s);
    }

    @Test
    void resnet50IrnHasTorchvisionKeysAndLoadsTheIrnCheckpointLayout() {
        CamNetwork net = CamNetwork.resnet50Irn(1);
        List<String> expected = new ArrayList<>(torchvisionResnet50Keys());
        assertEquals(265, expected.size());
        expected.add("classifier.weight");
        assertEquals(expected, List.copyOf(net.parameters().names()));
        assertEquals(List.of(20L, 2048L, 1L, 1L),
                toList(WeightLoader.export(net.parameters()).get("classifier.weight").shape()));
        assertEquals(List.of(512L, 1024L, 1L, 1L),
                toList(WeightLoader.export(net.parameters()).get("layer4.0.conv1.weight").shape()));

        // An IRN/AdvCAM state_dict: resnet50.* backbone, classifier.weight, stageN.* aliases and
        // num_batches_tracked counters, under DataParallel's module. prefix.
        Map<String, INDArray> file = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : WeightLoader.export(net.parameters()).entrySet()) {
            String key = e.getKey().equals("classifier.weight") ? e.getKey() : "resnet50." + e.getKey();
            INDArray v = e.getValue();
            if (e.getKey().equals("layer4.2.conv3.weight")) v = Nd4j.rand(DataType.FLOAT, v.shape());
            file.put("module." + key, v);
            if (key.endsWith("running_var")) {
                file.put("module." + key.replace("running_var", "num_batches_tracked"), Nd4j.scalar(0L));
            }
        }
        file.put("module.stage1.0.weight", file.get("module.resnet50.conv1.weight"));
        file.put("module.stage4.0.bn1.bias", file.get("module.resnet50.layer4.0.bn1.bias"));
        INDArray newClassifier = Nd4j.rand(DataType.FLOAT, 20, 2048, 1, 1);
        file.put("module.classifier.weight", newClassifier);
        file.put("module.extra.thing", Nd4j.zeros(3));
        INDArray fileConv = file.get("module.resnet50.layer4.2.conv3.weight");

        WeightLoader.Report report = WeightLoader.load(file, net.parameters(), "irn.npz");
        assertEquals(266, report.loaded().size());
        assertEquals(List.of(), report.keptInitial());
        assertEquals(List.of("module.extra.thing"), report.unused());
        assertEquals(53 + 2, report.ignored().size());
        // Layout: PyTorch [O, I, kH, kW] -> graph [kH, kW, I, O].
        INDArray graphConv = net.parameters().get("layer4.2.conv3.weight").variable().getArr();
        assertEquals(fileConv.getFloat(1000, 300, 0, 0), graphConv.getFloat(0, 0, 300, 1000));
        INDArray graphCls = net.parameters().get("classifier.weight").variable().getArr();
        assertEquals(newClassifier.getFloat(17, 2047, 0, 0), graphCls.getFloat(0, 0, 2047, 17));
    }

    private static List<Long> toList(long[] shape) {
        List<Long> l = new ArrayList<>();
        for (long s : shape) l.add(s);
        return l;
    }

    private static CamNetwork tiny() {
        return CamNetwork.build(ResNetSpec.resnet18().withWidthMultiplier(0.125), 3, DataType.FLOAT, 2);
    }

    @Test
    void torchvisionImportKeepsNewClassifierAndIgnoresFc() {
        CamNetwork net = tiny();
        INDArray before = net.parameters().get("classifier.weight").variable().getArr().dup();
        Map<String, INDArray> file = new LinkedHashMap<>(WeightLoader.export(tiny().parameters()));
        file.remove("classifier.weight");
        file.put("fc.weight", Nd4j.zeros(1000, 64));
        file.put("fc.bias", Nd4j.zeros(1000));
        WeightLoader.Report r = WeightLoader.load(file, net.parameters(), "tv.npz");
        assertEquals(List.of("classifier.weight"), r.keptInitial());
        assertEquals(2, r.ignored().size());
        assertTrue(r.ignored().get(0).startsWith("fc.weight"), r.ignored().toString());
        assertEquals(before, net.parameters().get("classifier.weight").variable().getArr());
    }

    @Test
    void advCamModuleListAliasesAreIgnoredNotReportedUnused() {
        // AdvCAM's released classifier comes from IRN's Net, whose state_dict repeats every
        // resnet50.* tensor under stageN.* and backbone.N.* and classifier.weight under
        // newly_added.0.weight (PyTorch lists a shared module once per path). Aliases may hold
        // other values here: only the resnet50.* / classifier.weight entries must be loaded.
        CamNetwork source = tiny();
        Map<String, INDArray> file = new LinkedHashMap<>();
        WeightLoader.export(source.parameters()).forEach((k, v) ->
                file.put(k.equals("classifier.weight") ? k : "resnet50." + k, v));
        file.put("stage1.0.weight", Nd4j.zeros(DataType.FLOAT, 8, 3, 7, 7));
        file.put("backbone.0.0.weight", Nd4j.zeros(DataType.FLOAT, 8, 3, 7, 7));
        file.put("backbone.3.0.conv1.weight", Nd4j.zeros(DataType.FLOAT, 64, 32, 3, 3));
        file.put("newly_added.0.weight", Nd4j.zeros(DataType.FLOAT, 3, 64, 1, 1));
        CamNetwork net = CamNetwork.build(ResNetSpec.resnet18().withWidthMultiplier(0.125), 3, DataType.FLOAT, 7);
        WeightLoader.Report r = WeightLoader.load(file, net.parameters(), "res50_cam.npz");
        assertEquals(List.of(), r.unused());
        assertEquals(List.of(), r.keptInitial());
        assertEquals(source.parameters().names().size(), r.loaded().size());
        assertEquals(List.of("stage1.0.weight", "backbone.0.0.weight", "backbone.3.0.conv1.weight",
                "newly_added.0.weight"), r.ignored().stream().map(s -> s.substring(0, s.indexOf(':'))).toList());
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32);
        assertEquals(source.cams(x), net.cams(x));
    }

    @Test
    void exportThenLoadIsIdentity() {
        CamNetwork a = tiny();
        CamNetwork b = CamNetwork.build(ResNetSpec.resnet18().withWidthMultiplier(0.125), 3, DataType.FLOAT, 99);
        WeightLoader.load(WeightLoader.export(a.parameters()), b.parameters(), "a");
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32);
        assertEquals(a.cams(x), b.cams(x));
    }

    @Test
    void missingAndMisShapedKeysAreReportedWithTheFileAndNothingChanges() {
        CamNetwork net = tiny();
        Map<String, INDArray> file = new LinkedHashMap<>(WeightLoader.export(tiny().parameters()));
        file.remove("layer2.0.conv1.weight");
        file.remove("bn1.running_var");
        file.put("layer3.1.conv2.weight", Nd4j.zeros(DataType.FLOAT, 32, 32, 1, 1));
        INDArray before = net.parameters().get("conv1.weight").variable().getArr().dup();
        BadInputException e = assertThrows(BadInputException.class,
                () -> WeightLoader.load(file, net.parameters(), "/some/where/w.npz"));
        String m = e.getMessage();
        assertTrue(m.contains("/some/where/w.npz"), m);
        assertTrue(m.contains("bn1.running_var") && m.contains("layer2.0.conv1.weight") && m.contains("(2)"), m);
        assertTrue(m.contains("layer3.1.conv2.weight [32, 32, 1, 1] vs [32, 32, 3, 3]"), m);
        assertEquals(before, net.parameters().get("conv1.weight").variable().getArr());

        // Many missing keys: the first few and the count.
        BadInputException many = assertThrows(BadInputException.class,
                () -> WeightLoader.load(Map.of(), net.parameters(), "empty.npz"));
        assertTrue(many.getMessage().contains("... (100 in all)"), many.getMessage());
    }
}
